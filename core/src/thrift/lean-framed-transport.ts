import thrift from 'thrift';

// The runtime exports the class; @types/thrift does not declare it. One instance serves every
// frame: npm thrift only tests it with instanceof, never reads its stack.
const { InputBufferUnderrunError } = thrift as unknown as { InputBufferUnderrunError: new () => Error };
const UNDERRUN: Error = new InputBufferUnderrunError();
const INITIAL_FRAME_BYTES = 256;
/**
 * Longest frame a receiver accepts: no broker or PinLater message comes near it (the gateway's
 * own limit on requests is 64 MiB); a longer length means the stream is corrupt.
 */
export const MAX_FRAME_BYTES = 1024 * 1024 * 1024;

function destroySocket(socket: unknown, error: Error): void {
  if (typeof socket === 'object' && socket !== null && typeof (socket as { destroy?: unknown }).destroy === 'function') {
    (socket as { destroy(e: Error): void }).destroy(error);
  }
}

/**
 * npm thrift's framed transport, same bytes on the wire, without the runtime's per-message waste
 * (issue 15, measured in docs/pacer-performance.md):
 * - the reader ends every frame by reading past its end (the server and client loops stop on
 *   InputBufferUnderrunError), and the runtime builds a new Error with a captured stack trace
 *   each time: here one shared instance is thrown;
 * - every incoming chunk was copied twice (Buffer.from, then concat) even when no partial frame
 *   was waiting: here only a partial frame is copied;
 * - an outgoing message was one small Buffer per field, copied into one buffer and then again into
 *   a second with the frame's length: here fields are written into one growing buffer that
 *   leaves the 4 length bytes free, and that buffer is the frame (LeanBinaryProtocol writes its
 *   numbers straight into it).
 */
export class LeanFramedTransport extends thrift.TFramedTransport {
  private frame: Buffer = Buffer.allocUnsafe(INITIAL_FRAME_BYTES);
  private length = 4;
  private seqid: number | null = null;

  constructor(buffer?: Buffer, private readonly onFrame?: (frame: Buffer, seqid?: number) => void) {
    super(buffer);
  }

  /**
   * Splits a connection's bytes into frames, each handed to `callback` as a transport over it
   * (frames alias the socket's chunks, which Node never reuses). Bound as a socket's 'data'
   * listener, so `this` is the socket: a length that no frame can have (negative, or above
   * MAX_FRAME_BYTES) is a corrupt or hostile stream, and the socket is destroyed with an error
   * (the runtime's receiver looped forever on some negative lengths and buffered any length).
   */
  static override receiver(callback: (trans: thrift.TFramedTransport, seqid: number) => void, seqid: number): (data: Buffer) => void {
    let residual: Buffer | undefined;
    return function receive(this: unknown, data: Buffer): void {
      let buf = residual === undefined ? data : Buffer.concat([residual, data]);
      residual = undefined;
      while (buf.length >= 4) {
        const size = buf.readInt32BE(0);
        if (size < 0 || size > MAX_FRAME_BYTES) {
          destroySocket(this, new Error(`thrift frame of ${size} bytes: the stream is corrupt; connection closed`));
          return;
        }
        if (buf.length < 4 + size) break;
        const frame = buf.subarray(4, 4 + size);
        buf = buf.subarray(4 + size);
        callback(new LeanFramedTransport(frame), seqid);
      }
      // A partial frame is copied: the caller may reuse its chunk, and the copy does not keep the
      // whole chunk alive until the frame's end arrives.
      if (buf.length > 0) residual = Buffer.from(buf);
    };
  }

  override ensureAvailable(len: number): void {
    // Fields of the base class, which declares them only in JavaScript.
    const self = this as unknown as { readPos: number; inBuf: Buffer };
    if (self.readPos + len > self.inBuf.length) throw UNDERRUN;
  }

  override setCurrSeqId(seqid: number): void {
    this.seqid = seqid;
  }

  putByte(b: number): void {
    this.room(1)[this.length] = b & 0xff;
    this.length += 1;
  }

  putI16(n: number): void {
    this.length = this.room(2).writeInt16BE(n, this.length);
  }

  putI32(n: number): void {
    this.length = this.room(4).writeInt32BE(n, this.length);
  }

  putDouble(n: number): void {
    this.length = this.room(8).writeDoubleBE(n, this.length);
  }

  /** A string's UTF-8 bytes, `bytes` long (Buffer.byteLength), without its length prefix. */
  putUtf8(s: string, bytes: number): void {
    this.length += this.room(bytes).write(s, this.length, bytes, 'utf8');
  }

  /** The frame buffer, grown if needed to take `n` more bytes at `this.length`. */
  private room(n: number): Buffer {
    if (this.length + n > this.frame.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.frame.length * 2, this.length + n));
      this.frame.copy(grown, 0, 0, this.length);
      this.frame = grown;
    }
    return this.frame;
  }

  override write(buf: Buffer | string): void {
    const bytes = typeof buf === 'string' ? Buffer.from(buf, 'utf8') : buf;
    this.length += bytes.copy(this.room(bytes.length), this.length);
  }

  override flush(): void {
    const frame = this.frame;
    frame.writeInt32BE(this.length - 4, 0);
    const seqid = this.seqid;
    this.seqid = null;
    const out = frame.subarray(0, this.length);
    // The socket keeps `out` until it is written: the next message gets a buffer of its own.
    this.frame = Buffer.allocUnsafe(INITIAL_FRAME_BYTES);
    this.length = 4;
    this.onFrame?.(out, seqid ?? undefined);
  }
}

/**
 * TBinaryProtocol whose numbers and strings are written straight into a LeanFramedTransport's
 * frame (the runtime allocates one Buffer per field). Reading is the runtime's own.
 */
export class LeanBinaryProtocol extends thrift.TBinaryProtocol {
  private readonly out: LeanFramedTransport;

  constructor(trans: thrift.TTransport, strictRead?: boolean, strictWrite?: boolean) {
    super(trans, strictRead, strictWrite);
    if (!(trans instanceof LeanFramedTransport)) throw new TypeError('LeanBinaryProtocol needs a LeanFramedTransport');
    this.out = trans;
  }

  override writeByte(b: number): void {
    this.out.putByte(b);
  }

  override writeI16(i16: number): void {
    this.out.putI16(i16);
  }

  override writeI32(i32: number): void {
    this.out.putI32(i32);
  }

  override writeDouble(dbl: number): void {
    this.out.putDouble(dbl);
  }

  override writeString(arg: string | Buffer): void {
    if (typeof arg !== 'string') {
      super.writeString(arg);
      return;
    }
    const bytes = Buffer.byteLength(arg, 'utf8');
    this.out.putI32(bytes);
    this.out.putUtf8(arg, bytes);
  }
}
