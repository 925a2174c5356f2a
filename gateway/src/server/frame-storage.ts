/**
 * Where the bytes of one request frame live while it arrives and until it is processed. A frame is
 * copied into storage of its own as it arrives, never kept as the socket's 64 KiB chunks (which
 * would pin malloc arenas long after the frame is gone).
 *
 * Frames above `PAGED_FRAME_BYTES` go into a resizable ArrayBuffer that reserves the declared
 * length but is grown only as bytes arrive: its pages come straight from the OS (never from
 * malloc), a peer that declares 60 MB and sends 3 MB costs 3 MB, and freeing shrinks it to 0,
 * which returns the pages at once. A plain Buffer would only be freed by a garbage collection,
 * and an idle process may not collect for minutes: 20 abandoned 60 MB frames kept the RSS 1.2 GB
 * up. (Shrinking zeroes the committed bytes first, in V8 11; growing with the data keeps that cost
 * to the bytes received.) Small frames use ordinary Buffers: fresh pages per request would cost
 * page faults on every call, and all small frames together are bounded by the budget.
 *
 * Only the connection that assembled a frame frees it, once the frame is processed or dropped; the
 * decoded arguments are copies (BinaryReader), so nothing reads it afterwards.
 */

import { DEFAULT_SMALL_FRAME_BYTES } from './frame-budget';

/** Frames larger than this get pages of their own: the budget's "small frame" size. */
export const PAGED_FRAME_BYTES = DEFAULT_SMALL_FRAME_BYTES;

/** Paged storage grows in steps of this many bytes (fewer resizes; untouched pages cost nothing). */
const GROW_STEP_BYTES = 1024 * 1024;

/** ES2024 resizable ArrayBuffer (Node 20, V8 11.3), not yet in the ES2022 lib this repo builds with. */
interface ResizableArrayBuffer extends ArrayBuffer {
  readonly resizable: boolean;
  resize(byteLength: number): void;
}
type ResizableArrayBufferConstructor = new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

/** One frame being received: filled from socket chunks, then taken whole. */
export interface FrameAssembly {
  /** The declared length. */
  readonly length: number;
  /** Bytes received so far. */
  readonly filled: number;
  /** Copies what it still needs from `chunk` (from `at`) and returns how many bytes it took. */
  fill(chunk: Buffer, at: number): number;
  /** The complete frame (`filled === length`), to be given back with `freeFrame`. */
  take(): Buffer;
  /** Frees an unfinished frame's memory. */
  discard(): void;
}

export function assembleFrame(length: number): FrameAssembly {
  return length > PAGED_FRAME_BYTES ? new PagedAssembly(length) : new PlainAssembly(length);
}

/** Returns a paged frame's memory to the OS now (plain ones wait for the GC); do not read it afterwards. */
export function freeFrame(frame: Buffer): void {
  const backing = frame.buffer as Partial<ResizableArrayBuffer>;
  if (backing.resizable === true && typeof backing.resize === 'function') backing.resize(0);
}

class PlainAssembly implements FrameAssembly {
  private readonly bytes: Buffer;
  filled = 0;

  constructor(readonly length: number) {
    this.bytes = Buffer.allocUnsafe(length);
  }

  fill(chunk: Buffer, at: number): number {
    const n = Math.max(0, Math.min(this.length - this.filled, chunk.length - at));
    chunk.copy(this.bytes, this.filled, at, at + n);
    this.filled += n;
    return n;
  }

  take(): Buffer {
    return this.bytes;
  }

  discard(): void {
    // Garbage once dropped.
  }
}

class PagedAssembly implements FrameAssembly {
  private readonly pages: ResizableArrayBuffer;
  filled = 0;

  constructor(readonly length: number) {
    this.pages = new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(0, { maxByteLength: length });
  }

  fill(chunk: Buffer, at: number): number {
    const n = Math.max(0, Math.min(this.length - this.filled, chunk.length - at));
    if (n === 0) return 0;
    const end = this.filled + n;
    if (end > this.pages.byteLength) this.pages.resize(Math.min(this.length, Math.ceil(end / GROW_STEP_BYTES) * GROW_STEP_BYTES));
    new Uint8Array(this.pages, this.filled, n).set(chunk.subarray(at, at + n));
    this.filled = end;
    return n;
  }

  take(): Buffer {
    return Buffer.from(this.pages, 0, this.length);
  }

  discard(): void {
    this.pages.resize(0);
  }
}
