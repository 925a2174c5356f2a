import thrift from 'thrift';
import Int64 from 'node-int64';

// The runtime exports the class; @types/thrift does not declare it. One instance serves every
// frame: npm thrift only tests it with instanceof, never reads its stack.
const { InputBufferUnderrunError } = thrift as unknown as { InputBufferUnderrunError: new () => Error };
const UNDERRUN: Error = new InputBufferUnderrunError();
const INITIAL_FRAME_BYTES = 256;
const TWO_32 = 2 ** 32;
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
 * - every incoming chunk was copied, then concatenated with all bytes held (quadratic in a frame
 *   spread over many chunks): here a frame within one chunk is not copied, and a frame spread
 *   over chunks is gathered in a buffer that doubles (FrameReader);
 * - an outgoing message was one small Buffer per field, copied into one buffer and then again into
 *   a second with the frame's length: here fields are written into one growing buffer that
 *   leaves the 4 length bytes free, and that buffer is the frame (LeanBinaryProtocol writes its
 *   integers and strings straight into it; doubles, rare here, take the runtime's own encoding,
 *   which differs from Buffer's for -0 and NaN).
 */
/** The input of every transport made without one (only ever read). */
const NO_INPUT = Buffer.alloc(0);

export class LeanFramedTransport extends thrift.TFramedTransport {
  private frame: Buffer = Buffer.allocUnsafe(INITIAL_FRAME_BYTES);
  private length = 4;
  private pendingSeqid: number | null = null;

  constructor(buffer?: Buffer, private readonly onFrame?: (frame: Buffer, seqid?: number) => void) {
    // The runtime's constructor allocates `new Buffer(0)` for a transport without input (a
    // server's reply transport, one per call): Buffer's deprecation check on that call was 4 % of
    // a broker's CPU at one dequeuer. An input buffer is only ever read, so one empty one serves all.
    super(buffer ?? NO_INPUT);
  }

  /**
   * Splits a connection's bytes into frames (FrameReader), each handed to `callback` as a
   * transport over it. Bound as a socket's 'data' listener, so `this` is the socket: a length no
   * frame can have (negative, or above MAX_FRAME_BYTES) means a corrupt or hostile stream, and the
   * socket is destroyed with an error (the runtime's receiver looped for ever on some negative
   * lengths, and buffered any length).
   */
  static override receiver(callback: (trans: thrift.TFramedTransport, seqid: number) => void, seqid: number): (data: Buffer) => void {
    const frames = new FrameReader();
    return function receive(this: unknown, data: Buffer): void {
      const corrupt = frames.read(data, (body) => callback(new LeanFramedTransport(body), seqid));
      if (corrupt !== undefined) destroySocket(this, new Error(corrupt));
    };
  }

  override ensureAvailable(len: number): void {
    // Fields of the base class, which declares them only in JavaScript.
    const self = this as unknown as { readPos: number; inBuf: Buffer };
    if (self.readPos + len > self.inBuf.length) throw UNDERRUN;
  }

  /**
   * The next 8 bytes, a big-endian signed 64-bit integer: a number when it is exact as one
   * (|v| < 2^53), otherwise a copy of the bytes.
   */
  takeI64(): number | Buffer {
    const self = this as unknown as { readPos: number; inBuf: Buffer };
    this.ensureAvailable(8);
    const at = self.readPos;
    self.readPos = at + 8;
    // hi · 2^32 is exact; adding lo rounds only past 2^53, where the result is not a safe integer.
    const n = self.inBuf.readInt32BE(at) * TWO_32 + self.inBuf.readUInt32BE(at + 4);
    return Number.isSafeInteger(n) ? n : Buffer.from(self.inBuf.subarray(at, at + 8));
  }

  override setCurrSeqId(seqid: number): void {
    this.pendingSeqid = seqid;
  }

  putByte(b: number): void {
    this.room(1)[this.length] = b & 0xff;
    this.length += 1;
  }

  // Numbers out of range keep their low bits, as npm thrift's binary.writeI16/writeI32 do (a
  // seqid past 2^31 on a long-lived connection; Buffer's writers would throw).
  putI16(n: number): void {
    this.length = this.room(2).writeInt16BE((n << 16) >> 16, this.length);
  }

  putI32(n: number): void {
    this.length = this.room(4).writeInt32BE(n | 0, this.length);
  }

  /** A safe integer (Number.isSafeInteger) as 8 big-endian two's-complement bytes. */
  putI64(n: number): void {
    const hi = Math.floor(n / TWO_32);
    const frame = this.room(8);
    frame.writeInt32BE(hi, this.length);
    this.length = frame.writeUInt32BE(n - hi * TWO_32, this.length + 4);
  }

  /** `src[start, end)` as they are. */
  putBytes(src: Buffer, start: number, end: number): void {
    this.length += src.copy(this.room(end - start), this.length, start, end);
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

  /** Drops a message written in part (a write threw): the next one starts on an empty frame. */
  discard(): void {
    this.length = 4;
    this.pendingSeqid = null;
  }

  override write(buf: Buffer | string): void {
    const bytes = typeof buf === 'string' ? Buffer.from(buf, 'utf8') : buf;
    this.length += bytes.copy(this.room(bytes.length), this.length);
  }

  override flush(): void {
    const frame = this.frame;
    frame.writeInt32BE(this.length - 4, 0);
    const seqid = this.pendingSeqid;
    this.pendingSeqid = null;
    const out = frame.subarray(0, this.length);
    // The socket keeps `out` until it is written: the next message gets a buffer of its own.
    this.frame = Buffer.allocUnsafe(INITIAL_FRAME_BYTES);
    this.length = 4;
    this.onFrame?.(out, seqid ?? undefined);
  }
}

/**
 * The frames of one connection's bytes. A frame within one chunk is handed out as a view of it
 * (Node never reuses a chunk). A frame spread over chunks is gathered in a buffer that doubles as
 * it fills: copying stays linear in the frame's size and memory within twice what arrived (the
 * runtime concatenated everything held on each chunk, quadratic, and copied each chunk first). A
 * buffer that frames were handed out of is never written again: what follows them moves to a new
 * one.
 */
class FrameReader {
  private held: Buffer | undefined;
  private filled = 0;
  private corrupt = false;

  /** Hands out every whole frame's body; returns why the stream is corrupt, once, then reads nothing more. */
  read(data: Buffer, onFrame: (body: Buffer) => void): string | undefined {
    if (this.corrupt) return undefined;
    if (this.held !== undefined) this.append(data);
    let buf = this.held === undefined ? data : this.held.subarray(0, this.filled);
    let handedOut = false;
    while (buf.length >= 4) {
      const size = buf.readInt32BE(0);
      if (size < 0 || size > MAX_FRAME_BYTES) {
        this.corrupt = true;
        this.held = undefined;
        return `thrift frame of ${size} bytes: the stream is corrupt; connection closed`;
      }
      if (buf.length < 4 + size) break;
      onFrame(buf.subarray(4, 4 + size));
      handedOut = true;
      buf = buf.subarray(4 + size);
    }
    if (this.held !== undefined && !handedOut) return undefined; // still filling the same frame
    this.held = undefined;
    this.filled = 0;
    if (buf.length > 0) {
      this.held = Buffer.allocUnsafe(Math.max(2 * buf.length, INITIAL_FRAME_BYTES));
      this.filled = buf.copy(this.held);
    }
    return undefined;
  }

  private append(data: Buffer): void {
    const held = this.held as Buffer;
    if (this.filled + data.length > held.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * held.length, this.filled + data.length));
      held.copy(grown, 0, 0, this.filled);
      this.held = grown;
    }
    this.filled += data.copy(this.held as Buffer, this.filled);
  }
}

/**
 * TBinaryProtocol whose numbers and strings are written straight into a LeanFramedTransport's
 * frame (the runtime allocates one Buffer per field). Reading is the runtime's own, but for i64s.
 *
 * i64s: the runtime reads each as a node-int64 object over a slice of the frame (two objects per
 * field, three i64s per job of a dequeue reply), and writes a number through a new node-int64
 * (allocated with the deprecated `new Buffer(8)`). Here an i64 is read as a plain number when it is exact as one (|v| < 2^53: times in
 * ms, job ids, lease ids of epochs below 2^21), and as node-int64 over its own 8 bytes otherwise;
 * numbers are written straight into the frame. The generated code's types say Int64 for both:
 * every reader of an i64 here takes `Int64 | number` (pacer/src/rpc/int64.ts; the gateway's
 * PinLater client), as npm thrift's own writeI64 does.
 */
export class LeanBinaryProtocol extends thrift.TBinaryProtocol {
  private readonly out: LeanFramedTransport;

  constructor(trans: thrift.TTransport, strictRead?: boolean, strictWrite?: boolean) {
    super(trans, strictRead, strictWrite);
    if (!(trans instanceof LeanFramedTransport)) throw new TypeError('LeanBinaryProtocol needs a LeanFramedTransport');
    this.out = trans;
  }

  /** Called by the generated send_* methods when writing a request threw: the partial frame goes. */
  reset(): void {
    this.out.discard();
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

  override writeI64(i64: number | Int64): void {
    if (typeof i64 !== 'number') this.out.putBytes(i64.buffer, i64.offset, i64.offset + 8);
    else if (Number.isSafeInteger(i64)) this.out.putI64(i64);
    else super.writeI64(i64); // fractions, NaN, |v| >= 2^53: node-int64's own conversion, as the runtime
  }

  /** A number when exact (see the class comment); node-int64 past 2^53. */
  override readI64(): Int64 {
    const v = this.out.takeI64();
    return (typeof v === 'number' ? v : new Int64(v)) as Int64;
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
