import { withBackoff } from './retry-backoff';

/**
 * PinLater's per-operation auto-retry (FACTS §3.9): up to `retries` extra attempts while
 * `isRetriable(error)` holds. No delay between attempts, as in PinLater; the operation itself
 * re-picks its shard where PinLater does (enqueue). The loop is the shared one (retry-backoff.ts)
 * with a zero-delay rule.
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  retries: number,
  isRetriable: (e: unknown) => boolean,
  onRetry?: (e: unknown) => void,
): Promise<T> {
  const rule = { attempts: retries + 1, minDelayMs: 0, maxDelayMs: 0 };
  return withBackoff(fn, (e) => (isRetriable(e) ? rule : undefined), onRetry ? { onRetry: (e) => onRetry(e) } : {});
}
