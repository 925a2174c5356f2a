/**
 * A reservation that had to wait. `cancel()` withdraws it (and gives the bytes back if they were
 * granted but `onGranted` has not run yet); once `onGranted` has run, the bytes belong to the
 * caller, who gives them back with `release()`, and `cancel()` does nothing.
 */
export interface BudgetWait {
  cancel(): void;
}

export interface FrameBudgetOptions {
  /** Frames up to this size are "small" (requests of ordinary clients). Default 64 KiB. */
  smallFrameBytes?: number;
  /**
   * Bytes only small frames may use: large frames never take the last `reservedForSmall` bytes, so
   * connections holding huge unfinished frames cannot stop ordinary requests from being read.
   * Default 0.
   */
  reservedForSmall?: number;
}

interface Waiter {
  readonly bytes: number;
  readonly small: boolean;
  readonly onGranted: () => void;
  state: 'waiting' | 'granted' | 'delivered' | 'cancelled';
}

export const DEFAULT_SMALL_FRAME_BYTES = 64 * 1024;

/**
 * The process-wide budget of buffered frame bytes (GATEWAY_MAX_BUFFERED_BYTES): every byte of an
 * unfinished frame, and of a complete frame that is queued or being processed, is reserved here
 * first, so all connections together never buffer more than `capacity` bytes of requests.
 *
 * A reservation that does not fit waits, first come first served within its class (small frames
 * and large frames queue separately; small ones are granted first, as they cannot hold much, so
 * they overtake large waiters, but only while the budget is full). A waiter never holds part of
 * the budget for the frame it waits for: a connection reserves a frame's whole declared length at
 * once, after its 4-byte length prefix. Everything reserved is released in bounded time (the frame
 * is processed, its deadline expires, or its connection closes), and none of that waits for
 * budget: there is no deadlock.
 */
export class FrameBudget {
  private used = 0;
  private usedByLarge = 0;
  private readonly smallWaiters: Waiter[] = [];
  private readonly largeWaiters: Waiter[] = [];
  private readonly smallFrameBytes: number;
  private readonly largeLimit: number;

  constructor(
    readonly capacity: number,
    options: FrameBudgetOptions = {},
  ) {
    this.smallFrameBytes = options.smallFrameBytes ?? DEFAULT_SMALL_FRAME_BYTES;
    this.largeLimit = capacity - (options.reservedForSmall ?? 0);
    if (!(capacity > 0) || !(this.largeLimit > 0)) {
      throw new RangeError(`FrameBudget: capacity ${capacity} leaves ${this.largeLimit} bytes for large frames`);
    }
  }

  /** A budget nothing waits for (clients and tools that decode frames without limits). */
  static unlimited(): FrameBudget {
    return new FrameBudget(Number.MAX_SAFE_INTEGER);
  }

  /** Bytes reserved now (gauge `PinLaterService/frame_buffer_bytes`). */
  get usedBytes(): number {
    return this.used;
  }

  /** Reservations waiting now (gauge `PinLaterService/frame_buffer_waiters`). */
  get waiters(): number {
    return this.smallWaiters.length + this.largeWaiters.length;
  }

  /** Reserves `bytes` now if they fit and nobody of the same class waits ahead; never waits. */
  tryReserve(bytes: number): boolean {
    const small = this.isSmall(bytes);
    if ((small ? this.smallWaiters : this.largeWaiters).length > 0 || !this.fits(bytes, small)) return false;
    this.take(bytes, small);
    return true;
  }

  /**
   * Queues a reservation; `onGranted` runs (from a microtask, never inside the caller) once the
   * bytes are reserved for the caller. Throws `RangeError` for a size that could never be granted.
   */
  wait(bytes: number, onGranted: () => void): BudgetWait {
    const small = this.isSmall(bytes);
    const limit = small ? this.capacity : this.largeLimit;
    if (bytes > limit) throw new RangeError(`FrameBudget: ${bytes} bytes can never be granted (at most ${limit})`);
    const waiter: Waiter = { bytes, small, onGranted, state: 'waiting' };
    (waiter.small ? this.smallWaiters : this.largeWaiters).push(waiter);
    this.grantWaiters();
    return { cancel: () => this.cancel(waiter) };
  }

  /** Gives back bytes reserved by `tryReserve` or a granted `wait`, and grants waiters that now fit. */
  release(bytes: number): void {
    if (bytes <= 0) return;
    this.used -= bytes;
    if (!this.isSmall(bytes)) this.usedByLarge -= bytes;
    this.grantWaiters();
  }

  private cancel(waiter: Waiter): void {
    const was = waiter.state;
    if (was === 'delivered' || was === 'cancelled') return;
    waiter.state = 'cancelled';
    if (was === 'granted') {
      this.release(waiter.bytes);
      return;
    }
    const queue = waiter.small ? this.smallWaiters : this.largeWaiters;
    queue.splice(queue.indexOf(waiter), 1);
    this.grantWaiters();
  }

  private grantWaiters(): void {
    this.grantFrom(this.smallWaiters);
    this.grantFrom(this.largeWaiters);
  }

  private grantFrom(queue: Waiter[]): void {
    for (let head = queue[0]; head && this.fits(head.bytes, head.small); head = queue[0]) {
      queue.shift();
      this.take(head.bytes, head.small);
      head.state = 'granted';
      const granted = head;
      queueMicrotask(() => {
        if (granted.state !== 'granted') return;
        granted.state = 'delivered';
        granted.onGranted();
      });
    }
  }

  private fits(bytes: number, small: boolean): boolean {
    if (this.used + bytes > this.capacity) return false;
    return small || this.usedByLarge + bytes <= this.largeLimit;
  }

  private take(bytes: number, small: boolean): void {
    this.used += bytes;
    if (!small) this.usedByLarge += bytes;
  }

  private isSmall(bytes: number): boolean {
    return bytes <= this.smallFrameBytes;
  }
}
