/**
 * A backend profile: how the conformance suite builds one backend behind the gateway, and the few
 * places where PinLater's own two backends legitimately differ (FACTS §11). Every behaviour that is
 * not a trait must be identical across backends; a profile may not opt out of a test any other way.
 */
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';

/**
 * The client-visible differences between PinLater's MySQL and Redis backends that a backend may
 * pick from. Pacer declares which of the two behaviours it reproduces; anything else is a bug.
 */
export interface BackendTraits {
  /**
   * ack's `appendCustomStatus` (FACTS §11.7, §6.4 ACK_*): MySQL appends to the stored status;
   * Redis overwrites it (so the default `""` clears it).
   */
  readonly ackCustomStatus: 'append' | 'overwrite';
  /**
   * Success-ack of a job that is not IN_PROGRESS (pending, already succeeded, failed) (FACTS §11.6):
   * MySQL acks it anyway (state → SUCCEEDED, status appended again); Redis ignores it.
   */
  readonly successAckOfUnclaimedJob: 'applies' | 'noop';
  /**
   * A queue that does not exist (FACTS §11.15, §3.3): MySQL answers QUEUE_NOT_FOUND on
   * enqueue/dequeue/ack/checkpoint and UNKNOWN on lookup/count/scan/retry/delete; Redis answers
   * QUEUE_NOT_FOUND on enqueue only and treats the queue as empty everywhere else.
   */
  readonly missingQueue: 'strict' | 'lenient';
  /**
   * Granularity of every timestamp the backend reports (FACTS §11.11): MySQL whole seconds
   * (truncated), Redis milliseconds.
   */
  readonly timestampResolutionMs: 1000 | 1;
  /**
   * Counting boundary at exactly "now" (FACTS §11.26): MySQL current/future are disjoint; Redis
   * counts a job whose run-after equals now in both. Not provoked deliberately (it needs a job at
   * exactly the server's now), but it is why boundary tests keep their jobs clear of now.
   */
  readonly countBoundary: 'disjoint' | 'overlap';
  /**
   * An explicit `runAfterTimestampMillis = 0` on enqueue (FACTS §11.12): Redis treats it as "now";
   * MySQL stores epoch 0 (outside the TIMESTAMP range: zero date or an error).
   */
  readonly runAfterZero: 'now' | 'epoch';
  /**
   * Dialect of `bodyRegexToMatch` (FACTS §6.4, §5.5): Redis Lua patterns, MySQL POSIX ERE. Tests
   * use patterns valid in both (`job_body_1.*`) plus one per dialect.
   */
  readonly regexDialect: 'lua' | 'posix';
  /**
   * What the succeeded/failed GC ages by (FACTS §11.9): MySQL the job's run_after, Redis the
   * completion time.
   */
  readonly gcBasis: 'runAfter' | 'completion';
  /**
   * Checkpoint of a job that is no longer IN_PROGRESS but still carries the caller's claim
   * (FACTS §11.13): MySQL ignores it; Redis applies it (the job reappears in pending/in-progress).
   */
  readonly checkpointOfFinishedJob: 'noop' | 'applies';
  /**
   * Longest custom status kept, in characters of ASCII text (FACTS §11.7): MySQL 5000 (VARCHAR(5000),
   * the head is kept), Redis 3000.
   */
  readonly customStatusLimit: 5000 | 3000;
}

/** Monitor settings a test file may tighten (all milliseconds). Timers are always off. */
export interface MonitorOverrides {
  readonly claimTimeoutMs?: number;
  readonly succeededTtlMs?: number;
  readonly failedTtlMs?: number;
}

/** What a profile's `create` gets: a label for logs and the monitor settings of the test file. */
export interface ConformanceNamespace {
  /** Names the test file and block, for log lines and error messages. */
  readonly label: string;
  readonly monitor: MonitorOverrides;
}

export interface BackendInstance {
  readonly backend: PinLaterBackend;
  /** Closes the backend and removes every key/database of the namespace. Idempotent. */
  cleanup(): Promise<void>;
}

export interface BackendProfile {
  /** Also the name used in `CONFORMANCE_BACKENDS`. */
  readonly name: string;
  /**
   * Builds a backend in a namespace of its own (unique shard names / instance ids / database),
   * with monitor timers disabled. Must reject loudly when the backend module is not there yet.
   */
  create(ns: ConformanceNamespace): Promise<BackendInstance>;
  readonly traits: BackendTraits;
}

/** Monitor defaults for the conformance suite: PinLater's shipped ones (FACTS §7). */
export const CONFORMANCE_MONITOR_DEFAULTS = {
  claimTimeoutMs: 180_000,
  succeededTtlMs: 3_600_000,
  failedTtlMs: 7_200_000,
} as const;
