/**
 * PinLater's per-operation auto-retry (FACTS §3.9): up to `retries` extra attempts while
 * `isRetriable(error)` holds. No delay between attempts, as in PinLater; the operation itself
 * re-picks its shard where PinLater does (enqueue).
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  retries: number,
  isRetriable: (e: unknown) => boolean,
  onRetry?: (e: unknown) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= retries || !isRetriable(e)) throw e;
      onRetry?.(e);
    }
  }
}
