/** Latency samples (ms) with nearest-rank percentiles. Benchmarks only; never used by tests. */
export class LatencyRecorder {
  private readonly samples: number[] = [];

  async time<T>(fn: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      this.samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }

  /** Adds a sample measured elsewhere (e.g. from two ZooKeeper mtimes). */
  add(ms: number): void {
    this.samples.push(ms);
  }

  percentile(p: number): number {
    if (this.samples.length === 0) return Number.NaN;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank] as number;
  }

  summary(): string {
    return `p50 ${this.percentile(50).toFixed(2)} ms  p99 ${this.percentile(99).toFixed(2)} ms  (n=${this.samples.length})`;
  }
}

export function fmtRate(jobsPerSecond: number): string {
  return `${Math.round(jobsPerSecond).toLocaleString('en-US')} jobs/s`;
}

export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}

/** Median of `values` (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
