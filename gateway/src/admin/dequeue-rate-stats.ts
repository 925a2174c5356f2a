/**
 * The gateway service's Stats, unchanged, that also tells a sliding window (sliding-window-counter.ts)
 * of every `<series>_dequeue` increment: the jobs each dequeueJobs call through this gateway
 * returned, exactly what `/stats.txt` counts (statNames.dequeued, PinLater's `<q>_dequeue`). The
 * admin port's `/backlog` reads the per-queue dequeue rate from that window.
 *
 * Keys are the stat series, so a queue is counted under its own name once the gateway gives it a
 * series (a queue that exists, within the series cap: `Stats.queueSeries`); the shared overflow
 * series is not recorded (it is no queue's rate).
 */
import { OVERFLOW_QUEUE_SERIES, type Stats } from '../../../core/src/interfaces/stats';
import { statNames } from '../stats/stat-names';
import type { SlidingWindowCounter } from './sliding-window-counter';

const DEQUEUED_SUFFIX = statNames.dequeued('');

export class DequeueRateStats implements Stats {
  constructor(
    private readonly inner: Stats,
    private readonly window: SlidingWindowCounter,
  ) {}

  incr(name: string, delta = 1): void {
    this.inner.incr(name, delta);
    if (delta <= 0 || !name.endsWith(DEQUEUED_SUFFIX)) return;
    const series = name.slice(0, -DEQUEUED_SUFFIX.length);
    if (series !== OVERFLOW_QUEUE_SERIES && statNames.dequeued(series) === name) this.window.add(series, delta);
  }

  metric(name: string, value: number): void {
    this.inner.metric(name, value);
  }

  gauge(name: string, value: number): void {
    this.inner.gauge(name, value);
  }

  queueSeries(queue: string): string {
    return this.inner.queueSeries(queue);
  }
}
