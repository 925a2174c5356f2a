import { setTimeout as sleep } from 'node:timers/promises';
/**
 * `eventually(fn)` retries an assertion until it passes, instead of sleeping blindly:
 *
 *   await eventually(async () => expect(await store.count(queue)).toBe(3));
 *   const job = await eventually(() => lookupOrThrow(id), { timeoutMs: 10_000 });
 *
 * `fn` may be sync or async; it passes when it returns (or resolves) without throwing, and its
 * value is returned. On timeout the last failure is rethrown with the attempt count in the
 * message (and as `cause`), so the jest output shows the real assertion. An attempt that is
 * still running at the deadline is awaited: bound slow operations yourself.
 */

export interface EventuallyOptions {
  /** Give up after this long. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Pause between attempts. Default 50 ms. */
  readonly intervalMs?: number;
}

export class EventuallyTimeoutError extends Error {
  constructor(readonly attempts: number, readonly timeoutMs: number, readonly lastError: unknown) {
    super(`eventually: still failing after ${timeoutMs} ms (${attempts} attempts): ${messageOf(lastError)}`, {
      cause: lastError,
    });
    this.name = 'EventuallyTimeoutError';
  }
}

export async function eventually<T>(fn: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const { timeoutMs = 5000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (let attempts = 1; ; attempts++) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() + intervalMs > deadline) throw new EventuallyTimeoutError(attempts, timeoutMs, error);
    }
    await sleep(intervalMs);
  }
}

/** Duck-typed: errors from Node's own modules are not `instanceof Error` under jest. */
function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
