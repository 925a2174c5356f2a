/**
 * Maps every item with at most `maxInFlight` operations outstanding; results in input order.
 *
 * Deviation from PinLater (docs/compatibility.md, "Batches run concurrently"): PinLater runs
 * BACKEND_QUERY_PARALLELISM slices, each one job at a time, because each job holds a JDBC/Jedis
 * connection. Our clients pipeline, so a batch of 100 Redis scripts goes out in one write. What a
 * client sees is unchanged: descriptors in request order, no atomicity. If one item fails the
 * call fails; items already started still complete, as in PinLater.
 */
export async function mapBounded<T, R>(items: readonly T[], maxInFlight: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const runner = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const runners = Math.max(1, Math.min(maxInFlight, items.length));
  await Promise.all(Array.from({ length: runners }, runner));
  if (failure) throw failure.error;
  return results;
}
