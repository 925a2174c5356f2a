import type { Clock } from '../../../core/src/util/clock';

export interface CopyThrottleOptions {
  /** Jobs per second at full speed (the migration's rate limit). */
  readonly ratePerSecond: number;
  /** Source take latency above which the rate is halved (at most once per `backoffIntervalMs`). */
  readonly latencyThresholdMs: number;
  /** Lowest fraction of the rate the back-off goes to. Default 0.05. */
  readonly minFactor?: number;
  /** Fraction of the rate won back per batch under the threshold. Default 0.05. */
  readonly recoveryStep?: number;
  /** Default 1000. */
  readonly backoffIntervalMs?: number;
}

/**
 * How many jobs the copier may move now: a token bucket at `ratePerSecond × factor` (burst: a
 * fifth of a second of work, at least one job), where the factor halves while the source store's
 * take latency is above the threshold and creeps back by `recoveryStep` per fast batch (AIMD, the
 * way TCP backs off: quick to protect live traffic, slow to come back).
 */
export class CopyThrottle {
  private tokens = 0;
  private lastRefillMs: number;
  private factor = 1;
  private lastBackoffMs = Number.NEGATIVE_INFINITY;
  private rate: number;

  constructor(private readonly clock: Clock, private readonly options: CopyThrottleOptions) {
    this.rate = positive(options.ratePerSecond, 'ratePerSecond');
    positive(options.latencyThresholdMs, 'latencyThresholdMs');
    this.lastRefillMs = clock.nowMs();
  }

  /** The rate in force now (jobs/s). */
  effectiveRate(): number {
    return this.rate * this.factor;
  }

  backoffFactor(): number {
    return this.factor;
  }

  setRate(ratePerSecond: number): void {
    this.rate = positive(ratePerSecond, 'ratePerSecond');
  }

  /** Jobs that may be moved now, at most `wanted` (0: none yet; `msUntilNext` says how long to wait). */
  grant(wanted: number): number {
    this.refill();
    const n = Math.min(wanted, Math.floor(this.tokens));
    this.tokens -= Math.max(0, n);
    return Math.max(0, n);
  }

  /** Milliseconds until one job may be moved. */
  msUntilNext(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.effectiveRate()) * 1000);
  }

  /** Returns unused grant (a batch that found fewer jobs than it was granted). */
  giveBack(n: number): void {
    this.tokens = Math.min(this.burst(), this.tokens + Math.max(0, n));
  }

  /** One take's latency on the source store. */
  observeLatency(ms: number): void {
    const now = this.clock.nowMs();
    const minFactor = this.options.minFactor ?? 0.05;
    if (ms > this.options.latencyThresholdMs) {
      if (now - this.lastBackoffMs >= (this.options.backoffIntervalMs ?? 1000)) {
        this.factor = Math.max(minFactor, this.factor / 2);
        this.lastBackoffMs = now;
      }
    } else {
      this.factor = Math.min(1, this.factor + (this.options.recoveryStep ?? 0.05));
    }
  }

  private burst(): number {
    return Math.max(1, this.effectiveRate() / 5);
  }

  private refill(): void {
    const now = this.clock.nowMs();
    const elapsed = Math.max(0, now - this.lastRefillMs);
    this.lastRefillMs = now;
    this.tokens = Math.min(this.burst(), this.tokens + (elapsed / 1000) * this.effectiveRate());
  }
}

function positive(n: number, name: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a positive number, got ${n}`);
  return n;
}
