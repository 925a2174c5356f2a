/**
 * Counters and metrics under PinLater's names (FACTS §9), e.g. `<queue>_enqueue`,
 * `PinLater.<method>.errors.<CODE>`, `<queue>_timeout_retry`. Injected everywhere; the gateway
 * serves them on `/stats.txt`. Names are built by the callers with the helpers in
 * `core/src/logging/stat-names.ts` so dashboards can rely on one catalogue.
 */
export interface Stats {
  incr(name: string, delta?: number): void;
  /** A timing or size sample (ms, bytes). */
  metric(name: string, value: number): void;
  gauge(name: string, value: number): void;
}

/** A Stats that keeps everything in memory; the default implementation, also used by tests. */
export class MemoryStats implements Stats {
  readonly counters = new Map<string, number>();
  readonly metrics = new Map<string, { count: number; sum: number; max: number }>();
  readonly gauges = new Map<string, number>();

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
