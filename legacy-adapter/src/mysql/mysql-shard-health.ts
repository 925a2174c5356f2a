import type { Clock } from '../../../core/src/util/clock';

/** PinLater's MySQLHealthMonitor defaults (FACTS §8). */
export interface ShardHealthSettings {
  windowSize: number;
  healthySuccessThreshold: number;
  unhealthyResetMs: number;
}

export const DEFAULT_SHARD_HEALTH: ShardHealthSettings = {
  windowSize: 100,
  healthySuccessThreshold: 75,
  unhealthyResetMs: 60_000,
};

/**
 * Health of one logical MySQL shard (FACTS §8): a window of the last `windowSize` dequeue samples
 * (success / SQL failure). A healthy shard turns unhealthy when it is asked and the window is full
 * with fewer than `healthySuccessThreshold` successes; `unhealthyResetMs` later it is reset
 * (healthy, window emptied). Only dequeue records samples and consults the state.
 */
export class ShardHealthWindow {
  private readonly samples: boolean[] = [];
  private successes = 0;
  private healthy = true;
  private unhealthySinceMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly settings: ShardHealthSettings = DEFAULT_SHARD_HEALTH,
  ) {}

  record(success: boolean): void {
    if (this.samples.length >= this.settings.windowSize) {
      const dropped = this.samples.shift();
      if (dropped) this.successes -= 1;
    }
    this.samples.push(success);
    if (success) this.successes += 1;
  }

  isHealthy(): boolean {
    const now = this.clock.nowMs();
    if (this.healthy) {
      if (this.samples.length >= this.settings.windowSize && this.successes < this.settings.healthySuccessThreshold) {
        this.healthy = false;
        this.unhealthySinceMs = now;
      }
    } else if (now >= this.unhealthySinceMs + this.settings.unhealthyResetMs) {
      this.reset();
    }
    return this.healthy;
  }

  /** For the health report. */
  snapshot(): { healthy: boolean; samples: number; successes: number } {
    return { healthy: this.healthy, samples: this.samples.length, successes: this.successes };
  }

  private reset(): void {
    this.samples.length = 0;
    this.successes = 0;
    this.healthy = true;
    this.unhealthySinceMs = 0;
  }
}
