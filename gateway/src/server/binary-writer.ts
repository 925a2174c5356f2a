/** Thrift binary-protocol primitives into a growable buffer (strict writer, big-endian). */
export class BinaryWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  writeByte(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(toInt8(v), this.pos++);
  }

  writeBool(v: boolean): void {
    this.writeByte(v ? 1 : 0);
  }

  writeI16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  writeI32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v | 0, this.pos);
    this.pos += 4;
  }

  writeI64(v: number): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(BigInt.asIntN(64, BigInt(Math.trunc(v))), this.pos);
    this.pos += 8;
  }

  /** i64 exactly (trace and span ids use all 64 bits); wraps to the signed 64-bit range. */
  writeI64Exact(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(BigInt.asIntN(64, v), this.pos);
    this.pos += 8;
  }

  writeDouble(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  writeBinary(v: Buffer): void {
    this.writeI32(v.length);
    this.ensure(v.length);
    v.copy(this.buf, this.pos);
    this.pos += v.length;
  }

  /** UTF-8 straight into the buffer (no intermediate Buffer per string). */
  writeString(v: string): void {
    this.ensure(4 + v.length * 3);
    const written = this.buf.write(v, this.pos + 4, 'utf8');
    this.buf.writeInt32BE(written, this.pos);
    this.pos += 4 + written;
  }

  writeFieldBegin(type: number, id: number): void {
    this.writeByte(type);
    this.writeI16(id);
  }

  writeFieldStop(): void {
    this.writeByte(0);
  }

  writeListBegin(elemType: number, size: number): void {
    this.writeByte(elemType);
    this.writeI32(size);
  }

  writeMapBegin(keyType: number, valueType: number, size: number): void {
    this.writeByte(keyType);
    this.writeByte(valueType);
    this.writeI32(size);
  }

  /** The bytes written so far (a copy-free view). */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** The bytes written so far, copied into a Buffer of their own (the writer can be reused). */
  copyOut(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /** Starts over, keeping the buffer's capacity. */
  reset(): void {
    this.pos = 0;
  }

  get capacity(): number {
    return this.buf.length;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

/** Java `(byte)` narrowing: keep the low 8 bits, signed. */
function toInt8(v: number): number {
  return ((v & 0xff) << 24) >> 24;
}
