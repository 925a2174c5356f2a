import type { JobInfo, NewJob, PortableJob } from '../types/job';
import type { JobState } from '../types/job-state';
import type { CheckpointItem } from '../types/requests';
import type { StepBudget } from '../util/step-budget';

/**
 * One legacy PinLater shard (a Redis shard, or one logical MySQL shard `<id>` / `<id>d<n>`).
 * `ShardedBackend` (core/src/backend/sharded-backend.ts) turns a set of these into a
 * `PinLaterBackend` with PinLater's base-layer semantics (FACTS §3): batching, random shard choice,
 * shuffled priority-major dequeue, coverage, auto-retries, scan merging, retry/delete loops.
 *
 * A store implements one shard's storage exactly as PinLater's backend does (FACTS §5, §6). It
 * throws `PinLaterError`s for wire-visible failures, and lets `isRetriable` decide which raw
 * failures the base retries (FACTS §3.9).
 */
export interface ShardStore {
  /** The shard name as it appears in descriptors (`s<name>`). */
  readonly name: string;
  readonly dequeueOnly: boolean;

  /**
   * Health as PinLater tracks it for this kind of store (Redis: ping health of the host;
   * MySQL: the dequeue success window). The base skips unhealthy shards where PinLater does.
   */
  isHealthy(): boolean;

  createQueue(queue: string): Promise<void>;
  deleteQueue(queue: string): Promise<void>;
  /** Queue names as this shard sees them (Redis `pln_<shard>`, MySQL catalog listing). */
  listQueues(): Promise<Set<string>>;

  /** Returns the new local id. `job.priority` is already validated. */
  enqueue(queue: string, job: NewJob): Promise<number>;
  /** Claims up to `limit` eligible jobs of one priority. */
  dequeue(queue: string, priority: number, limit: number, claimDescriptor: string): Promise<ShardJob[]>;
  /** Read-only peek with the same eligibility (dry run). */
  peek(queue: string, priority: number, limit: number): Promise<ShardJob[]>;

  ackSucceeded(queue: string, priority: number, localId: number, appendCustomStatus: string): Promise<void>;
  ackFailed(queue: string, priority: number, localId: number, appendCustomStatus: string, retryDelayMs: number): Promise<void>;
  /** Returns false when the claim did not match (a no-op, counted as `<queue>_checkpoint_noop`). */
  checkpoint(queue: string, priority: number, localId: number, source: string, item: CheckpointItem): Promise<boolean>;

  /** `null` when absent. `descriptor` is filled in by the base. */
  lookup(queue: string, priority: number, localId: number, includeBody: boolean): Promise<Omit<JobInfo, 'descriptor'> | null>;
  /** `filterBudget`: the request's budget for a body filter evaluated in the gateway (Redis). */
  count(queue: string, priority: number, state: JobState, future: boolean, bodyRegex: string | undefined, filterBudget?: StepBudget): Promise<number>;
  /** At most `limit` jobs, runAfter descending. */
  scan(queue: string, priority: number, state: JobState, future: boolean, limit: number, bodyRegex: string | undefined, filterBudget?: StepBudget): Promise<ShardJobInfo[]>;
  retryFailed(queue: string, priority: number, limit: number, attemptsToAllow: number, runAfterMs: number): Promise<number>;
  deleteJobs(queue: string, priority: number, state: JobState, limit: number, bodyRegex: string | undefined, filterBudget?: StepBudget): Promise<number>;

  /** One pass of the claim-timeout and GC monitor over this shard (FACTS §5.7, §6.6). */
  runMonitor(priorities: number, settings: MonitorSettings): Promise<ShardMonitorResult>;

  /** Bulk export of one (queue, priority, state), paged by an opaque cursor. */
  exportJobs(queue: string, priority: number, state: JobState, cursor: string | undefined, limit: number): Promise<{ jobs: ShardPortableJob[]; nextCursor?: string }>;
  /** Bulk import; returns new local ids in input order. */
  importJobs(queue: string, jobs: PortableJob[]): Promise<number[]>;

  // ---- exactly-once moves (core/src/interfaces/job-mover.ts, docs/migration.md) ------------------

  /**
   * Takes up to `limit` jobs of (queue, priority, state) out of service atomically, earliest
   * run-after first (PENDING: ready and future). Returns them as stored; `state` = the state taken from.
   */
  takeForMove(queue: string, priority: number, state: JobState, limit: number): Promise<ShardPortableJob[]>;
  /** Up to `limit` taken jobs of (queue, priority) not finished or restored. */
  listTaken(queue: string, priority: number, limit: number): Promise<ShardPortableJob[]>;
  /** Deletes taken jobs (only those still taken); returns how many. */
  finishMove(queue: string, priority: number, localIds: readonly number[]): Promise<number>;
  /** Puts taken jobs back in the state and run-after they had (only those still taken); returns how many. */
  restoreMove(queue: string, priority: number, localIds: readonly number[]): Promise<number>;
  /**
   * Writes jobs invisibly (all of one priority), each tagged with its `sourceDescriptor`; returns
   * them as stored (read back) with their new local ids, in input order.
   */
  stageMoved(queue: string, priority: number, jobs: readonly PortableJob[]): Promise<ShardPortableJob[]>;
  /** Up to `limit` staged jobs of (queue, priority): local id and tag. */
  listStaged(queue: string, priority: number, limit: number): Promise<Array<{ localId: number; sourceDescriptor: string }>>;
  /** Makes staged jobs visible in the state they were staged with (only those still staged); returns how many. */
  publishStaged(queue: string, priority: number, items: ReadonlyArray<{ localId: number; claimDescriptor?: string }>): Promise<number>;
  /** Deletes staged jobs (only those still staged); returns how many. */
  discardStaged(queue: string, priority: number, localIds: readonly number[]): Promise<number>;

  /** Auto-retry classification for raw failures of single-job operations (FACTS §3.9). */
  isRetriable(error: unknown): boolean;

  close(): Promise<void>;
}

export interface ShardJob {
  localId: number;
  body: Buffer;
  attemptsAllowed: number;
  attemptsRemaining: number;
  createdAtMs: number;
  updatedAtMs: number;
}

export type ShardJobInfo = Omit<JobInfo, 'descriptor'> & { localId: number; runAfterMs: number };

export type ShardPortableJob = Omit<PortableJob, 'sourceDescriptor' | 'queue'> & { localId: number };

export interface MonitorSettings {
  claimTimeoutMs: number;
  succeededTtlMs: number;
  failedTtlMs: number;
  updateMaxSize: number;
  /** Epoch ms at which this monitor run started. */
  runStartMs: number;
}

export interface ShardMonitorResult {
  queues: Record<string, { timeoutDone: number; timeoutRetry: number; timeoutEvicted: number; succeededGc: number; failedGc: number }>;
  /** Set when the shard was skipped or the run stopped early. */
  error?: string;
}
