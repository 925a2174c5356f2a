import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from './clock';

/**
 * Retrying transient datastore failures (STYLE §5): each datastore has ONE table of the errors it
 * retries, each entry a `RetryRule`; anything not in the table fails at once. This loop is the one
 * that runs them (MySQL: core/src/sql/mysql-retry.ts; ZooKeeper: core/src/zookeeper/zk-error.ts;
 * PinLater's own per-operation auto-retry, core/src/util/with-retries.ts, with no delay).
 */
export interface RetryRule {
  /** Attempts in all, the first one included. */
  readonly attempts: number;
  /** Delay bounds of one wait; the ceiling doubles per retry up to `maxDelayMs`. */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The wait before retry number `retry + 1` (0-based): uniform in [min, ceiling) with ceiling =
 * min(max, min·2^(retry+1)) ("full jitter" above the floor). Two callers that failed together
 * (two deadlock victims, every client of a restarted server) do not come back in step.
 */
export function retryDelayMs(rule: RetryRule, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(rule.maxDelayMs, rule.minDelayMs * 2 ** (retry + 1));
  return rule.minDelayMs + Math.floor(random() * Math.max(0, ceiling - rule.minDelayMs));
}

export interface BackoffOptions {
  /**
   * No retry starts when the time since the first attempt began plus the next wait would pass this
   * (default: no bound besides the attempts).
   */
  readonly maxElapsedMs?: number;
  /** Called before each wait; `retry` counts from 1. */
  readonly onRetry?: (error: unknown, retry: number, delayMs: number) => void;
  /** Injected for tests only (time: STYLE "anti-patterns", mocks only for time). */
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Runs `op`; when it fails with an error `ruleFor` has a rule for, waits (jittered, see
 * `retryDelayMs`) and runs it again, up to the rule's attempts and `maxElapsedMs`. The last
 * error is rethrown unchanged. Callers make `op` safe to repeat.
 */
export async function withBackoff<T>(
  op: () => Promise<T>,
  ruleFor: (error: unknown) => RetryRule | undefined,
  options: BackoffOptions = {},
): Promise<T> {
  const clock = options.clock ?? systemClock;
  const started = clock.nowMs();
  for (let retry = 0; ; retry += 1) {
    try {
      return await op();
    } catch (e) {
      const rule = ruleFor(e);
      if (rule === undefined || retry + 1 >= rule.attempts) throw e;
      const delayMs = retryDelayMs(rule, retry, options.random);
      if (options.maxElapsedMs !== undefined && clock.nowMs() - started + delayMs > options.maxElapsedMs) throw e;
      options.onRetry?.(e, retry + 1, delayMs);
      if (delayMs > 0) await (options.sleep ?? sleep)(delayMs);
    }
  }
}
