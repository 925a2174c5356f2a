import type { MigrationDirection } from '../routing/queue-route';
import type { LeaseFence } from './move-ledger';

/**
 * One queue's migration as the copier and the operator command see it (`queue_migrations` in
 * Pacer's database). `copying`: the copier moves jobs; `complete`: the queue was flipped to its
 * destination and the copier still sweeps the side it left for late writes (until finalized);
 * `finalized`: done, nothing runs; `rolled-back`: a to-legacy migration that finished.
 */
export type MigrationStatus = 'copying' | 'complete' | 'finalized' | 'rolled-back';

export interface MigrationRow {
  readonly queue: string;
  readonly migrationId: string;
  readonly direction: MigrationDirection;
  readonly legacyCluster: string;
  readonly status: MigrationStatus;
  readonly paused: boolean;
  readonly rateLimitPerS: number;
  readonly leaseOwner: string | null;
  readonly leaseExpiresMs: number;
  readonly leaseEpoch: number;
  readonly startedAtMs: number;
  /** The routing table version the copier first saw this migration at (gateways must reach it). */
  readonly firstSeenTableVersion: number | null;
  /** Since when the copier has found the side the queue leaves empty (null: not empty). */
  readonly sourceEmptySinceMs: number | null;
  readonly movedPending: number;
  readonly movedFailed: number;
  readonly movedSucceeded: number;
  readonly lastError: string | null;
  readonly updatedAtMs: number;
}

export interface MigrationProgress {
  /** Increments, per JobState number (0 PENDING, 2 SUCCEEDED, 3 FAILED). */
  readonly moved?: Readonly<Record<number, number>>;
  /** Set or clear (null) the empty-since instant; undefined leaves it. */
  readonly sourceEmptySinceMs?: number | null;
  readonly firstSeenTableVersion?: number;
  readonly lastError?: string | null;
}

/** The copier's work state per queue, with its lease (one copier per queue at a time). */
export interface MigrationStates {
  /** Creates or replaces the queue's row for a new migration (status copying, lease free, counters 0). Refuses (MigrationInProgressError) while another migration of the queue is copying, unless `replacing` names it. */
  start(row: { queue: string; migrationId: string; direction: MigrationDirection; legacyCluster: string; rateLimitPerS: number; replacing?: string }): Promise<MigrationRow>;
  get(queue: string): Promise<MigrationRow | undefined>;
  list(): Promise<MigrationRow[]>;
  setPaused(queue: string, paused: boolean): Promise<void>;
  setRate(queue: string, rateLimitPerS: number): Promise<void>;
  setStatus(queue: string, migrationId: string, status: MigrationStatus): Promise<void>;
  /** The lease for `ttlMs` when free, expired or already ours; undefined when another copier holds it. */
  acquireLease(queue: string, owner: string, ttlMs: number): Promise<LeaseFence | undefined>;
  /** Extends the lease; false when it is no longer ours (stop working the queue). */
  renewLease(fence: LeaseFence, ttlMs: number): Promise<boolean>;
  releaseLease(fence: LeaseFence): Promise<void>;
  /** Applies progress only while `fence` holds the lease; false otherwise. */
  recordProgress(fence: LeaseFence, progress: MigrationProgress): Promise<boolean>;
}

/** `start` refused: another migration of the queue is still copying (finish or roll it back, or name it in `replacing`). */
export class MigrationInProgressError extends Error {
  constructor(readonly queue: string, readonly migrationId: string) {
    super(`queue ${JSON.stringify(queue)} is being copied by migration ${JSON.stringify(migrationId)}`);
    this.name = 'MigrationInProgressError';
  }
}
