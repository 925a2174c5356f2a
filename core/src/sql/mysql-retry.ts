import { withBackoff, type BackoffOptions, type RetryRule } from '../util/retry-backoff';
import { driverErrno } from './driver-errno';

/**
 * MySQL's retryable errors (STYLE §5, one table per datastore): lock conflicts, where InnoDB undid
 * the statement (or the transaction) and running it again is the documented remedy. Every MySQL
 * store retries through `withMysqlRetries`; anything not listed fails at once.
 */
export const MysqlErrno = {
  /** ER_LOCK_WAIT_TIMEOUT: the statement waited innodb_lock_wait_timeout and was rolled back. */
  LOCK_WAIT_TIMEOUT: 1205,
  /** ER_LOCK_DEADLOCK: InnoDB chose this transaction as a deadlock victim and rolled it back whole. */
  LOCK_DEADLOCK: 1213,
} as const;

/**
 * A deadlock victim retries soon (the other transaction usually commits within milliseconds); a
 * lock wait timeout has already waited long, so it gets one more try after a longer pause.
 */
export const MYSQL_RETRYABLE: ReadonlyMap<number, RetryRule> = new Map<number, RetryRule>([
  [MysqlErrno.LOCK_DEADLOCK, { attempts: 3, minDelayMs: 5, maxDelayMs: 100 }],
  [MysqlErrno.LOCK_WAIT_TIMEOUT, { attempts: 2, minDelayMs: 50, maxDelayMs: 500 }],
]);

/** No retry starts after this much time since the first attempt began (a client waits for the answer). */
export const MYSQL_RETRY_MAX_ELAPSED_MS = 10_000;

export interface MysqlRetryOptions extends Pick<BackoffOptions, 'onRetry' | 'clock' | 'random' | 'sleep'> {
  /** Overrides the table's attempts (e.g. PinLater's BACKEND_NUM_AUTO_RETRIES + 1); delays stay. */
  readonly attempts?: number;
  /** Default MYSQL_RETRY_MAX_ELAPSED_MS; `Infinity` bounds by attempts only. */
  readonly maxElapsedMs?: number;
}

/** The rule for a MySQL failure, by its server error number (driver-errno.ts). */
export function mysqlRetryRule(e: unknown): RetryRule | undefined {
  const errno = driverErrno(e);
  return errno === undefined ? undefined : MYSQL_RETRYABLE.get(errno);
}

/** Runs `op`, retrying the lock conflicts of MYSQL_RETRYABLE with jittered backoff. */
export function withMysqlRetries<T>(op: () => Promise<T>, options: MysqlRetryOptions = {}): Promise<T> {
  const { attempts, maxElapsedMs = MYSQL_RETRY_MAX_ELAPSED_MS, ...rest } = options;
  const ruleFor = (e: unknown): RetryRule | undefined => {
    const rule = mysqlRetryRule(e);
    return rule === undefined || attempts === undefined ? rule : { ...rule, attempts };
  };
  return withBackoff(op, ruleFor, { ...rest, ...(Number.isFinite(maxElapsedMs) ? { maxElapsedMs } : {}) });
}
