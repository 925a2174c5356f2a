import { TType } from '../codegen/idl-schema';
import { ProtocolError, ProtocolErrorType } from './protocol-error';

/** Nesting limit for skipping unknown values (Apache Java's TProtocolUtil uses 64 too). */
export const MAX_SKIP_DEPTH = 64;

/**
 * Thrift binary-protocol primitives over one complete frame. Every read is bounds-checked against
 * the frame, and declared sizes are checked against the bytes left before anything is allocated,
 * so hostile sizes fail fast with a `ProtocolError` instead of allocating.
 */
export class BinaryReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  readByte(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  readBool(): boolean {
    return this.readByte() === 1;
  }

  readI16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  readI32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** i64 as a JS number: exact within ±2^53, nearest double beyond (see docs/compatibility.md). */
  readI64(): number {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  /** i64 exactly (trace and span ids use all 64 bits). */
  readI64Exact(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  readDouble(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  readBinary(): Buffer {
    const len = this.readSize();
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
    return out;
  }

  /** UTF-8; malformed sequences become U+FFFD, as Java's `new String(bytes, "UTF-8")` does. */
  readString(): string {
    const len = this.readSize();
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** A string body whose length was already read (old, non-strict message headers). */
  readStringBody(len: number): string {
    this.checkSize(len, 1);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** Field header: `{type: STOP}` ends the struct. */
  readFieldBegin(): { type: number; id: number } {
    const type = this.readByte();
    if (type === TType.STOP) return { type, id: 0 };
    return { type, id: this.readI16() };
  }

  readListBegin(): { elemType: number; size: number } {
    const elemType = this.readByte();
    const size = this.readI32();
    this.checkSize(size, 1);
    return { elemType, size };
  }

  readMapBegin(): { keyType: number; valueType: number; size: number } {
    const keyType = this.readByte();
    const valueType = this.readByte();
    const size = this.readI32();
    this.checkSize(size, 2);
    return { keyType, valueType, size };
  }

  /** Skips one value of the given wire type (unknown fields, fields with an unexpected type). */
  skip(type: number, depth = 0): void {
    if (depth > MAX_SKIP_DEPTH) throw new ProtocolError(ProtocolErrorType.DEPTH_LIMIT, 'Maximum skip depth exceeded');
    switch (type) {
      case TType.BOOL:
      case TType.BYTE:
        return this.advance(1);
      case TType.I16:
        return this.advance(2);
      case TType.I32:
        return this.advance(4);
      case TType.I64:
      case TType.DOUBLE:
        return this.advance(8);
      case TType.STRING:
        return this.advance(this.readSize());
      case TType.STRUCT:
        return this.skipStruct(depth);
      case TType.MAP:
        return this.skipMap(depth);
      case TType.SET:
      case TType.LIST:
        return this.skipList(depth);
      default:
        throw new ProtocolError(ProtocolErrorType.INVALID_DATA, `Invalid wire type ${type}`);
    }
  }

  private skipStruct(depth: number): void {
    for (;;) {
      const f = this.readFieldBegin();
      if (f.type === TType.STOP) return;
      this.skip(f.type, depth + 1);
    }
  }

  private skipMap(depth: number): void {
    const m = this.readMapBegin();
    for (let i = 0; i < m.size; i++) {
      this.skip(m.keyType, depth + 1);
      this.skip(m.valueType, depth + 1);
    }
  }

  private skipList(depth: number): void {
    const l = this.readListBegin();
    for (let i = 0; i < l.size; i++) this.skip(l.elemType, depth + 1);
  }

  private readSize(): number {
    const len = this.readI32();
    this.checkSize(len, 1);
    return len;
  }

  /** A declared count of items of at least `minBytesEach` bytes must fit in what is left. */
  private checkSize(size: number, minBytesEach: number): void {
    if (size < 0) throw new ProtocolError(ProtocolErrorType.NEGATIVE_SIZE, `Negative length: ${size}`);
    if (size * minBytesEach > this.remaining) {
      throw new ProtocolError(ProtocolErrorType.SIZE_LIMIT, `Length ${size} exceeds the ${this.remaining} bytes left in the frame`);
    }
  }

  private advance(n: number): void {
    this.need(n);
    this.pos += n;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new ProtocolError(ProtocolErrorType.INVALID_DATA, 'Unexpected end of frame');
    }
  }
}
