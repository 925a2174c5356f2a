/**
 * PinLater's batch partitioning (FACTS §3.5): consecutive slices of size
 * `max(floor(n / parallelism), 1)`, so results concatenated in slice order keep request order.
 */
export function partitionBatch<T>(items: readonly T[], parallelism: number): T[][] {
  const size = Math.max(Math.floor(items.length / Math.max(parallelism, 1)), 1);
  const slices: T[][] = [];
  for (let i = 0; i < items.length; i += size) slices.push(items.slice(i, i + size));
  return slices;
}

/** Runs each slice serially, all slices in parallel; results in input order. */
export async function mapInSlices<T, R>(items: readonly T[], parallelism: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const slices = partitionBatch(items, parallelism);
  const results = await Promise.all(
    slices.map(async (slice) => {
      const out: R[] = [];
      for (const item of slice) out.push(await fn(item));
      return out;
    }),
  );
  return results.flat();
}
