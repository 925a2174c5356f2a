import type { Clock } from '../../../core/src/util/clock';

/**
 * Guava's `RateLimiter.create(rate)` (SmoothBursty, maxBurstSeconds = 1) used with
 * `tryAcquire(permits)` and no wait, as PinLater's QueueRateLimiter does (FACTS §3.7):
 *  - a request is allowed iff the next free ticket time is not in the future (no outstanding debt);
 *  - an allowed request of any size is granted: stored permits are spent first, the rest pushes the
 *    next free time `fresh / rate` seconds ahead;
 *  - idle time refills stored permits up to one second's worth (starting from zero).
 */
export class SmoothBurstyLimiter {
  private readonly stableIntervalMicros: number;
  private readonly maxPermits: number;
  private storedPermits = 0;
  private nextFreeTicketMicros: number;

  constructor(
    readonly rate: number,
    private readonly clock: Clock,
  ) {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`rate must be positive and finite, got ${rate}`);
    this.stableIntervalMicros = 1e6 / rate;
    this.maxPermits = rate;
    this.nextFreeTicketMicros = this.nowMicros();
  }

  tryAcquire(permits: number): boolean {
    const now = this.nowMicros();
    if (this.nextFreeTicketMicros > now) return false;
    this.resync(now);
    const spend = Math.min(permits, this.storedPermits);
    const fresh = permits - spend;
    this.nextFreeTicketMicros += fresh * this.stableIntervalMicros;
    this.storedPermits -= spend;
    return true;
  }

  private resync(now: number): void {
    if (now > this.nextFreeTicketMicros) {
      const newPermits = (now - this.nextFreeTicketMicros) / this.stableIntervalMicros;
      this.storedPermits = Math.min(this.maxPermits, this.storedPermits + newPermits);
      this.nextFreeTicketMicros = now;
    }
  }

  private nowMicros(): number {
    return this.clock.nowMs() * 1000;
  }
}
