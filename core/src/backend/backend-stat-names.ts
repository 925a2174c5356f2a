import type { BackendKind } from '../interfaces/pinlater-backend';

/** The legacy store kinds `ShardedBackend` runs on. */
type LegacyKind = Exclude<BackendKind, 'pacer'>;

/** Single-job operations the base layer retries (BACKEND_NUM_AUTO_RETRIES). */
export type RetriedOperation = 'enqueue' | 'dequeue' | 'ack' | 'checkpoint';

/**
 * Stat names of PinLater's base layer (FACTS §9, PinLaterBackendBase), emitted by `ShardedBackend`
 * for both legacy layouts; Pacer's backend counts `checkpointNoop` under the same name. Per-queue
 * names take the queue's series label (`Stats.queueSeries`), never a raw client-supplied name.
 * Counters; the monitor ones grow by the rows each monitor run changed.
 */
export const backendStatNames = {
  /** A single-job operation failed with a retriable error and is tried again. */
  failuresRetry: (op: RetriedOperation): string => `${op}-failures-retry`,
  /** An enqueue named a priority outside 1..NUM_PRIORITY_LEVELS (PinLater's capitalisation). */
  priorityNotSupportedEnqueue: {
    'legacy-redis': 'Redis-priority-not-supported-enqueue',
    'legacy-mysql': 'MySQL-priority-not-supported-enqueue',
  } satisfies Record<LegacyKind, string>,
  /** A dequeue skipped a shard its health check calls unhealthy (once per shard per priority). */
  unhealthyShardDequeue: {
    'legacy-redis': 'redis-unhealthy-shard-dequeue',
    'legacy-mysql': 'mysql-unhealthy-shard-dequeue',
  } satisfies Record<LegacyKind, string>,
  /** Checkpoint items that matched no in-progress job of this claimer. */
  checkpointNoop: (queue: string): string => `${queue}_checkpoint_noop`,
  /** Monitor: timed-out claims with no attempts left, moved to FAILED. */
  timeoutDone: (queue: string): string => `${queue}_timeout_done`,
  /** Monitor: timed-out claims moved back to PENDING. */
  timeoutRetry: (queue: string): string => `${queue}_timeout_retry`,
  /** Monitor, Redis only: timed-out claims whose job hash was gone (evicted), dropped from every set. */
  timeoutEvict: (queue: string): string => `${queue}_timeout_evict`,
  /** Monitor: SUCCEEDED jobs older than their TTL, deleted. */
  succeededGc: (queue: string): string => `${queue}_succeeded_gc`,
  /** Monitor: FAILED jobs older than their TTL, deleted. */
  failedGc: (queue: string): string => `${queue}_failed_gc`,
} as const;
