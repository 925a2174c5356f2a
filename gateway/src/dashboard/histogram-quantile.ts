/**
 * A quantile from explicit-bucket histogram counts, the way Prometheus' histogram_quantile does it:
 * find the bucket holding the q-th observation and interpolate linearly inside it (the first
 * bucket from 0; the overflow bucket answers its lower boundary). Undefined with no observations.
 */

export interface BucketCounts {
  /** Upper boundaries, ascending; `counts` has one more entry (the overflow bucket). */
  readonly boundaries: readonly number[];
  readonly counts: readonly number[];
}

export function histogramQuantile(q: number, h: BucketCounts): number | undefined {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const inBucket = h.counts[i] as number;
    if (seen + inBucket >= rank && inBucket > 0) {
      const upper = h.boundaries[i];
      const lower = i === 0 ? 0 : (h.boundaries[i - 1] as number);
      if (upper === undefined) return lower;
      return lower + (upper - lower) * ((rank - seen) / inBucket);
    }
    seen += inBucket;
  }
  return h.boundaries[h.boundaries.length - 1];
}

/** Adds `from` into `into` (same boundaries), allocating `into` on first use. */
export function mergeBuckets(into: { boundaries: readonly number[]; counts: number[] } | undefined, from: BucketCounts): { boundaries: readonly number[]; counts: number[] } {
  if (into === undefined) return { boundaries: from.boundaries, counts: [...from.counts] };
  for (let i = 0; i < from.counts.length; i++) into.counts[i] = (into.counts[i] ?? 0) + (from.counts[i] as number);
  return into;
}
