import type { SingleJobOp } from './mysql-errors';

/** Stat names the legacy MySQL backend emits, under PinLater's names (FACTS §3.6, §5.7, §9). */
export const mysqlStatNames = {
  /** Single-job operations that failed from overload: lost or refused connections, timeouts, pool exhaustion. */
  overload: (op: SingleJobOp): string => `mysql-overload-${op}`,
  /** Single-job operations that hit a deadlock or lock wait timeout. */
  deadlock: (op: SingleJobOp): string => `mysql-deadlock-${op}`,
  /** Single-job operations whose queue table or database is missing (error 1146). */
  queueNotFound: (op: SingleJobOp): string => `mysql-queue-not-found-${op}`,
  /** Monitor passes of one shard retried after a deadlock. */
  deadlockMonitor: 'mysql-deadlock-monitor',
  /** Ours: monitor passes of one shard that failed (PinLater only logs them). */
  monitorErrors: 'mysql-monitor-errors',
  /** Ours (issue 8): body-regex statements stopped by GATEWAY_BODY_REGEX_TIMEOUT_MS. */
  bodyRegexTimeout: 'mysql-body-regex-timeout',
  /** Metric (ms): creation to claim, for jobs claimed with every attempt left. */
  firstDequeueDelay: (queue: string): string => `${queue}_first_dequeue_delay_ms`,
  /** Metric (ms): last update (updated_at) to claim, for every claimed job. */
  dequeueDelay: (queue: string): string => `${queue}_dequeue_delay_ms`,
} as const;
