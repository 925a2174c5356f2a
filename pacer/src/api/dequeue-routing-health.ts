import type { Clock } from '../../../core/src/util/clock';

export interface DequeueRoutingSnapshot {
  /** Dequeues refused in the last `windowMs` because visited partitions had no serving owner. */
  readonly refusedDequeues: number;
  readonly windowMs: number;
  /** The partitions behind those refusals (most recent first, at most 20). */
  readonly unservablePartitions: string[];
}

const MAX_PARTITIONS = 20;

/**
 * What the gateway's `/health` says about dequeue routing: how many dequeues were refused lately
 * (NO_HEALTHY_SHARDS instead of a silent empty answer) and for which partitions. Memory is
 * bounded: one counter per second of the window and at most 20 partition names.
 */
export class DequeueRoutingHealth {
  private readonly perSecond = new Map<number, number>();
  private readonly partitions = new Map<string, number>();

  constructor(private readonly clock: Clock, private readonly windowMs = 10_000) {}

  refused(queue: string, partitions: readonly number[]): void {
    const now = this.clock.nowMs();
    const second = Math.floor(now / 1000);
    this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + 1);
    for (const p of partitions) {
      const name = `${queue}_${p}`;
      this.partitions.delete(name);
      this.partitions.set(name, now);
    }
    while (this.partitions.size > MAX_PARTITIONS) this.partitions.delete(this.partitions.keys().next().value as string);
    this.prune(now);
  }

  snapshot(): DequeueRoutingSnapshot {
    const now = this.clock.nowMs();
    this.prune(now);
    const refusedDequeues = [...this.perSecond.values()].reduce((a, b) => a + b, 0);
    const recent = [...this.partitions].filter(([, at]) => now - at <= this.windowMs).map(([name]) => name).reverse();
    return { refusedDequeues, windowMs: this.windowMs, unservablePartitions: recent };
  }

  private prune(now: number): void {
    const oldest = Math.floor((now - this.windowMs) / 1000);
    for (const second of this.perSecond.keys()) if (second < oldest) this.perSecond.delete(second);
  }
}
