/** Raised when a peer declares a frame larger than the configured maximum (or negative). */
export class FrameTooLargeError extends Error {
  constructor(readonly declared: number, readonly max: number) {
    super(`Frame of ${declared} bytes exceeds the maximum of ${max}`);
    this.name = 'FrameTooLargeError';
  }
}

/**
 * Splits a byte stream into frames of the framed transport (4-byte big-endian length, then that
 * many bytes). Buffers only what has arrived: the declared length is checked against `maxFrameBytes`
 * before anything is kept for it, and a frame is assembled only once all its bytes are present.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Adds bytes and returns every frame completed by them. Throws `FrameTooLargeError`. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) return frames;
      const declared = this.peekLength();
      if (declared < 0 || declared > this.maxFrameBytes) throw new FrameTooLargeError(declared, this.maxFrameBytes);
      if (this.buffered < 4 + declared) return frames;
      const all = this.take(4 + declared);
      frames.push(all.subarray(4));
    }
  }

  get bufferedBytes(): number {
    return this.buffered;
  }

  private peekLength(): number {
    const first = this.chunks[0] as Buffer;
    if (first.length >= 4) return first.readInt32BE(0);
    return this.take(this.buffered, false).readInt32BE(0);
  }

  /** Removes `n` bytes from the front (or only merges them when `consume` is false). */
  private take(n: number, consume = true): Buffer {
    const merged = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [merged];
    if (!consume) return merged;
    const head = merged.subarray(0, n);
    const rest = merged.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= n;
    return head;
  }
}
