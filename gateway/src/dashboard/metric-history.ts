/**
 * The built-in dashboard's memory (issue 13): a bounded rolling history of numbers per queue, one
 * point per collection (dashboard-history.ts; default every 5 s, 360 points = 30 minutes), kept in
 * ring buffers so memory is fixed whatever the traffic:
 *
 * - one shared ring of collection times; each series is a Float32Array ring aligned with it, NaN
 *   where the series had no sample in that collection (a gap in the chart, "no data");
 * - a series is allocated the first time it gets a value, and never more than `maxSeries` in all
 *   and `maxSeriesPerQueue` per queue (`droppedValues` counts what did not fit).
 *
 * Keys: the queue is the metrics' queue label (a queue, `other-queues`, or ALL_QUEUES for the
 * gateway's totals); the series name is the dashboard's own (history-points.ts).
 */

/** The key of the totals over every queue (not a valid queue name, so it never collides). */
export const ALL_QUEUES = '';

export interface HistoryLimits {
  /** Points kept per series (default 360). */
  readonly points: number;
  /** Series kept in all (default 12,000: at most 12,000 × points × 4 bytes). */
  readonly maxSeries: number;
  /** Series kept per queue (default 48). */
  readonly maxSeriesPerQueue: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { points: 360, maxSeries: 12_000, maxSeriesPerQueue: 48 };

/** One queue's values at one collection, by series name. */
export type PointValues = ReadonlyMap<string, number>;

/** Series of one queue over the last `n` collections, oldest first; null where there was no sample. */
export interface SeriesWindow {
  readonly times: number[];
  readonly series: Record<string, Array<number | null>>;
}

export class MetricHistory {
  private readonly times: Float64Array;
  private readonly queues = new Map<string, Map<string, Float32Array>>();
  /** Series whose absence in a collection means 0 (rates: nothing happened), not "no data". */
  private readonly zeroRings = new Set<Float32Array>();
  /** Index of the next point to write; `count` points written so far (≤ points). */
  private next = 0;
  private count = 0;
  private seriesCount = 0;
  private dropped = 0;

  constructor(
    readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS,
    private readonly zeroWhenAbsent: (name: string) => boolean = () => false,
  ) {
    this.times = new Float64Array(limits.points);
  }

  /** Appends one collection: every known series gets a point (NaN when `values` has none for it). */
  append(atMs: number, values: ReadonlyMap<string, PointValues>): void {
    const slot = this.next;
    this.times[slot] = atMs;
    for (const series of this.queues.values()) for (const ring of series.values()) ring[slot] = this.zeroRings.has(ring) ? 0 : Number.NaN;
    for (const [queue, points] of values) {
      for (const [name, value] of points) {
        const ring = this.ringFor(queue, name);
        if (ring !== undefined) ring[slot] = value;
      }
    }
    this.next = (slot + 1) % this.limits.points;
    this.count = Math.min(this.count + 1, this.limits.points);
  }

  /** Collections recorded so far (at most `limits.points`). */
  get length(): number {
    return this.count;
  }

  get seriesTotal(): number {
    return this.seriesCount;
  }

  /** Values dropped because their series did not fit the limits (never allocated). */
  get droppedValues(): number {
    return this.dropped;
  }

  /** Time of the newest collection, or undefined before the first. */
  lastTime(): number | undefined {
    return this.count === 0 ? undefined : this.times[this.slotOf(this.count - 1)];
  }

  hasQueue(queue: string): boolean {
    return this.queues.has(queue);
  }

  /** The series names of a queue. */
  seriesNames(queue: string): string[] {
    return [...(this.queues.get(queue)?.keys() ?? [])];
  }

  /** The newest value of a series and when it was taken, looking back at most `lookBack` points. */
  latest(queue: string, name: string, lookBack = this.limits.points): { value: number; atMs: number } | undefined {
    const ring = this.queues.get(queue)?.get(name);
    if (ring === undefined) return undefined;
    for (let age = 0; age < Math.min(lookBack, this.count); age++) {
      const slot = this.slotOf(this.count - 1 - age);
      const value = ring[slot] as number;
      if (!Number.isNaN(value)) return { value, atMs: this.times[slot] as number };
    }
    return undefined;
  }

  /** The last `n` points (at most the history) of the queue's series whose names pass `select`. */
  window(queue: string, n: number, select: (name: string) => boolean = () => true): SeriesWindow {
    const take = Math.max(0, Math.min(n, this.count));
    const first = this.count - take;
    const times = Array.from({ length: take }, (_, i) => this.times[this.slotOf(first + i)] as number);
    const series: Record<string, Array<number | null>> = {};
    for (const [name, ring] of this.queues.get(queue) ?? []) {
      if (!select(name)) continue;
      series[name] = Array.from({ length: take }, (_, i) => {
        const v = ring[this.slotOf(first + i)] as number;
        return Number.isNaN(v) ? null : v;
      });
    }
    return { times, series };
  }

  /** Ring slot of the i-th oldest point still kept. */
  private slotOf(i: number): number {
    const oldest = this.count < this.limits.points ? 0 : this.next;
    return (oldest + i) % this.limits.points;
  }

  private ringFor(queue: string, name: string): Float32Array | undefined {
    let series = this.queues.get(queue);
    const existing = series?.get(name);
    if (existing !== undefined) return existing;
    if (this.seriesCount >= this.limits.maxSeries || (series?.size ?? 0) >= this.limits.maxSeriesPerQueue) {
      this.dropped += 1;
      return undefined;
    }
    if (series === undefined) {
      series = new Map();
      this.queues.set(queue, series);
    }
    const ring = new Float32Array(this.limits.points).fill(Number.NaN);
    series.set(name, ring);
    if (this.zeroWhenAbsent(name)) this.zeroRings.add(ring);
    this.seriesCount += 1;
    return ring;
  }
}
