import type { PortableJob } from '../types/job';
import { JobState } from '../types/job-state';

/**
 * Moving jobs between systems exactly once (the migration copier, issue 11). Every backend
 * (legacy Redis, legacy MySQL, Pacer) implements it with operations whose atomicity its own
 * storage gives, so a copier killed at any instant can finish or undo its work on restart, and no
 * dequeue, monitor or retry of any server (a gateway, or a real PinLater server on the same store)
 * ever serves a job that is also being copied.
 *
 * The protocol the copier runs (migration/src/copier/, docs/migration.md), per batch, from a
 * source system S to a target system T:
 * 1. `S.take`: atomically takes jobs out of service. A taken job is in no state any server
 *    serves (legacy Redis: in no state set; MySQL layouts: a state value PinLater never uses), so
 *    no dequeue, claim-timeout monitor, retry or GC touches it, and a future job that becomes due
 *    meanwhile is not served. Taken jobs are durable: `listTaken` finds them after a crash.
 * 2. `T.stage`: writes each job invisibly (no server serves or counts it), tagged with its source
 *    descriptor; `listStaged` finds them after a crash.
 * 3. The move ledger (core/src/migration/move-ledger.ts) records source → staged target, once per
 *    migration and source descriptor: of two copiers racing on one job, one target wins and the
 *    other's staged copy is discarded.
 * 4. `T.publish`: makes the winning staged jobs visible in their original state.
 * 5. `S.finish`: deletes the taken jobs for good.
 * Recovery after a crash replays from what `listTaken`, `listStaged` and the ledger show.
 *
 * Descriptors are the system's own (docs/descriptors.md). Every method is idempotent: acting on a
 * descriptor that is not (or no longer) in the expected condition does nothing and is not counted.
 */
export interface JobMover {
  /**
   * Takes up to `limit` jobs of (queue, state, priority) out of service, earliest run-after first
   * (PENDING: ready and future alike). Returns them as stored, `state` the state they had.
   */
  take(queue: string, state: MovableState, priority: number, limit: number): Promise<PortableJob[]>;
  /** Up to `limit` jobs taken and neither finished nor restored (any priority), as `take` returned them. */
  listTaken(queue: string, limit: number): Promise<PortableJob[]>;
  /** Deletes taken jobs for good; returns how many were deleted. */
  finish(queue: string, descriptors: readonly string[]): Promise<number>;
  /** Puts taken jobs back into service in the state (and run-after) they had; returns how many. */
  restore(queue: string, descriptors: readonly string[]): Promise<number>;

  /**
   * Writes jobs invisibly, each tagged with its `sourceDescriptor`, keeping body, priority,
   * attempts, custom status, created time, run-after and state (applied by `publish`). Returns the
   * new descriptors and each job as the store now holds it (read back, for verification).
   */
  stage(queue: string, jobs: readonly PortableJob[]): Promise<StagedJob[]>;
  /** Up to `limit` staged jobs not yet published or discarded (any priority). */
  listStaged(queue: string, limit: number): Promise<StagedRef[]>;
  /**
   * Makes staged jobs visible in the state they were staged with; `claimDescriptor` is the claim
   * the source job carried (kept by FAILED and SUCCEEDED jobs). Returns how many were published.
   */
  publish(queue: string, items: readonly PublishItem[]): Promise<number>;
  /** Deletes staged jobs that were not published; returns how many. */
  discard(queue: string, descriptors: readonly string[]): Promise<number>;
}

/** The states a copier moves: IN_PROGRESS jobs stay until their worker acks them or they time out. */
export type MovableState = JobState.PENDING | JobState.FAILED | JobState.SUCCEEDED;

/** The order a copier takes states in: what can run first. */
export const MOVABLE_STATES: readonly MovableState[] = [JobState.PENDING, JobState.FAILED, JobState.SUCCEEDED];

export interface StagedRef {
  /** The tag: the descriptor the job had on the source system. */
  readonly sourceDescriptor: string;
  /** The staged job's descriptor on this system. */
  readonly descriptor: string;
}

export interface StagedJob extends StagedRef {
  /** The job as stored (read back), `sourceDescriptor` = the source's, `state` = the state it will be published in. */
  readonly stored: PortableJob;
}

export interface PublishItem {
  readonly descriptor: string;
  readonly claimDescriptor?: string;
}
