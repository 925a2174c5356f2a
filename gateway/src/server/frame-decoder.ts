import { FrameBudget } from './frame-budget';
import type { BudgetWait } from './frame-budget';
import { assembleFrame, freeFrame } from './frame-storage';
import type { FrameAssembly } from './frame-storage';

/** Raised when a peer declares a frame larger than the configured maximum (or negative). */
export class FrameTooLargeError extends Error {
  constructor(readonly declared: number, readonly max: number) {
    super(`Frame of ${declared} bytes exceeds the maximum of ${max}`);
    this.name = 'FrameTooLargeError';
  }
}

export interface FrameDecoderOptions {
  /** The process-wide budget every frame is reserved from. Default: unlimited. */
  budget?: FrameBudget;
  /** Called when a frame that waited for budget got it: call `resume()` then. */
  onBudgetGranted?: () => void;
}

const EMPTY = Buffer.alloc(0);

/**
 * Splits a byte stream into frames of the framed transport (4-byte big-endian length, then that
 * many bytes). The declared length is checked against `maxFrameBytes` and reserved from the budget
 * before any byte of the body is kept; the body is then copied into storage of its own
 * (`frame-storage.ts`). Every frame returned holds its reservation until `release(frame)`.
 *
 * When the budget is short, `push` stops after the length prefix, keeps the rest of the chunk,
 * and `waiting` is true: the caller stops reading from the peer until `onBudgetGranted`, then
 * calls `resume()`.
 */
export class FrameDecoder {
  private readonly budget: FrameBudget;
  private readonly lengthPrefix = Buffer.alloc(4);
  private prefixFill = 0;
  private body: FrameAssembly | undefined;
  private pendingWait: BudgetWait | undefined;
  private stash: Buffer | undefined;
  private started = 0;
  private disposed = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly options: FrameDecoderOptions = {},
  ) {
    this.budget = options.budget ?? FrameBudget.unlimited();
  }

  /**
   * Adds bytes and returns every frame completed by them. Throws `FrameTooLargeError`; frames the
   * same bytes completed before the bad length are then released, not returned.
   */
  push(chunk: Buffer): Buffer[] {
    if (this.disposed) return [];
    if (this.pendingWait) {
      this.stash = this.stash ? Buffer.concat([this.stash, chunk]) : chunk;
      return [];
    }
    const frames: Buffer[] = [];
    try {
      this.decode(chunk, frames);
    } catch (e) {
      for (const frame of frames) this.release(frame);
      throw e;
    }
    return frames;
  }

  private decode(chunk: Buffer, frames: Buffer[]): void {
    let at = 0;
    for (;;) {
      if (!this.body) {
        at += this.fillPrefix(chunk, at);
        if (this.prefixFill < 4 || !this.startBody()) break;
      }
      const body = this.body as FrameAssembly;
      at += body.fill(chunk, at);
      if (body.filled < body.length) break;
      frames.push(body.take());
      this.body = undefined;
      this.prefixFill = 0;
      if (at >= chunk.length) break;
    }
    if (this.pendingWait && at < chunk.length) this.stash = chunk.subarray(at);
  }

  /** After `onBudgetGranted`: decodes the bytes kept while waiting. */
  resume(): Buffer[] {
    const stash = this.stash ?? EMPTY;
    this.stash = undefined;
    return this.push(stash);
  }

  /** Gives a frame's reservation back to the budget and frees its memory; do not read it afterwards. */
  release(frame: Buffer): void {
    this.budget.release(frame.length);
    freeFrame(frame);
  }

  /** Drops the unfinished frame (and a pending wait) for good; `push` ignores bytes afterwards. */
  dispose(): void {
    this.disposed = true;
    this.pendingWait?.cancel();
    this.pendingWait = undefined;
    this.stash = undefined;
    if (this.body) {
      this.budget.release(this.body.length);
      this.body.discard();
    }
    this.body = undefined;
  }

  /** Bytes of the unfinished frame received so far (length prefix, body, bytes kept while waiting). */
  get bufferedBytes(): number {
    return this.prefixFill + (this.body?.filled ?? 0) + (this.stash?.length ?? 0);
  }

  /** True while the unfinished frame waits for budget. */
  get waiting(): boolean {
    return this.pendingWait !== undefined;
  }

  /** True while part of a frame has arrived (its first byte at least) but not all of it. */
  get inFrame(): boolean {
    return this.prefixFill > 0 || this.body !== undefined;
  }

  /** How many frames have begun to arrive; tells one unfinished frame from the next. */
  get framesStarted(): number {
    return this.started;
  }

  private fillPrefix(chunk: Buffer, at: number): number {
    const n = Math.min(4 - this.prefixFill, chunk.length - at);
    if (n <= 0) return 0;
    if (this.prefixFill === 0) this.started++;
    chunk.copy(this.lengthPrefix, this.prefixFill, at, at + n);
    this.prefixFill += n;
    return n;
  }

  /** Checks the declared length and reserves it; false while waiting for budget. */
  private startBody(): boolean {
    const declared = this.lengthPrefix.readInt32BE(0);
    if (declared < 0 || declared > this.maxFrameBytes) throw new FrameTooLargeError(declared, this.maxFrameBytes);
    if (!this.budget.tryReserve(declared)) {
      this.pendingWait = this.budget.wait(declared, () => this.granted(declared));
      return false;
    }
    this.openBody(declared);
    return true;
  }

  private granted(declared: number): void {
    this.pendingWait = undefined;
    this.openBody(declared);
    this.options.onBudgetGranted?.();
  }

  private openBody(declared: number): void {
    this.body = assembleFrame(declared);
  }
}
