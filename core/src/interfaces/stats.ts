/**
 * Counters and metrics under PinLater's names (FACTS §9), e.g. `<queue>_enqueue`,
 * `PinLater.<method>.errors.<CODE>`, `<queue>_timeout_retry`. Injected into the gateway's service
 * and the backends it hosts, which take every name from a catalogue (one per component, checked
 * together by scripts/stat-names.spec.ts); the gateway serves them on `/stats.txt`. The Pacer
 * broker and controller processes emit none: they keep counters of their own (`BrokerCounters`,
 * `ControllerStats`).
 *
 * Per-queue names are built from `queueSeries(queue)`, never from the raw queue name: the number of
 * series must stay bounded whatever names clients send (issue 8: 4,000 made-up names grew
 * `/stats.txt` to 6.4 MB). A queue gets its own series when the process's admission rule admits it
 * (the gateway admits queues that exist) and the bounded set has room; every other name shares the
 * overflow series `other-queues` (not a valid queue name, so it cannot collide with one).
 */
export interface Stats {
  incr(name: string, delta?: number): void;
  /** A timing or size sample (ms, bytes). */
  metric(name: string, value: number): void;
  gauge(name: string, value: number): void;
  /** The queue part to use in a per-queue stat name: the queue itself, or `OVERFLOW_QUEUE_SERIES`. */
  queueSeries(queue: string): string;
}

/** The shared series of queues without their own (`other-queues_enqueue`, …). */
export const OVERFLOW_QUEUE_SERIES = 'other-queues';

/** Counted each time a per-queue sample lands in the overflow series. */
export const QUEUE_SERIES_OVERFLOW_STAT = 'stats-queue-series-overflow';

export interface MemoryStatsOptions {
  /** Most queues with series of their own. Default 5000. */
  maxQueueSeries?: number;
  /** Which queue names may get series of their own. Default: every name (tests, tools). */
  admitQueue?: (queue: string) => boolean;
}

/** A Stats that keeps everything in memory; the default implementation, also used by tests. */
export class MemoryStats implements Stats {
  readonly counters = new Map<string, number>();
  readonly metrics = new Map<string, { count: number; sum: number; max: number }>();
  readonly gauges = new Map<string, number>();
  private readonly queues = new Set<string>();
  private readonly maxQueueSeries: number;
  private admitQueue: (queue: string) => boolean;

  constructor(options: MemoryStatsOptions = {}) {
    this.maxQueueSeries = options.maxQueueSeries ?? 5000;
    this.admitQueue = options.admitQueue ?? (() => true);
  }

  /** Replaces the admission rule (the gateway installs "the queue exists" once its backend is up). */
  setQueueAdmission(admit: (queue: string) => boolean): void {
    this.admitQueue = admit;
  }

  queueSeries(queue: string): string {
    if (this.queues.has(queue)) return queue;
    if (this.queues.size < this.maxQueueSeries && this.admitQueue(queue)) {
      this.queues.add(queue);
      return queue;
    }
    this.incr(QUEUE_SERIES_OVERFLOW_STAT);
    return OVERFLOW_QUEUE_SERIES;
  }

  incr(name: string, delta = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + delta);
  }

  metric(name: string, value: number): void {
    const m = this.metrics.get(name) ?? { count: 0, sum: 0, max: Number.NEGATIVE_INFINITY };
    m.count += 1;
    m.sum += value;
    m.max = Math.max(m.max, value);
    this.metrics.set(name, m);
  }

  gauge(name: string, value: number): void {
    this.gauges.set(name, value);
  }

  counter(name: string): number {
    return this.counters.get(name) ?? 0;
  }
}
