/**
 * A token bucket (issue 13, shadow shedding): at most `perSecond` takes per second on average,
 * bursts up to one second's worth. Refilled lazily from the injected clock on each take, so it
 * has no timer.
 */
import type { Clock } from '../util/clock';

export class TokenBucket {
  private tokens: number;
  private refilledAtMs: number;

  constructor(private readonly perSecond: number, private readonly clock: Clock) {
    this.tokens = perSecond;
    this.refilledAtMs = clock.nowMs();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.clock.nowMs();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.refilledAtMs) / 1000) * this.perSecond);
    this.refilledAtMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
