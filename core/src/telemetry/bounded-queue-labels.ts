/**
 * A smaller bound on the queue label for the costly instruments (latency histograms: 18 series per
 * label set), on top of the stats' per-queue admission (core/src/interfaces/stats.ts
 * `queueSeries`). The first `max` admitted queues keep their own label value; every later one, and
 * every name the stats already put in the overflow series, shares `other-queues`. A queue keeps its
 * value for the life of the process (a series never changes owner).
 */
import { OVERFLOW_QUEUE_SERIES } from '../interfaces/stats';

export class BoundedQueueLabels {
  private readonly own = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly queueSeries: (queue: string) => string,
  ) {}

  label(queue: string): string {
    const series = this.queueSeries(queue);
    if (series === OVERFLOW_QUEUE_SERIES || this.own.has(series)) return series;
    if (this.own.size >= this.max) return OVERFLOW_QUEUE_SERIES;
    this.own.add(series);
    return series;
  }
}
