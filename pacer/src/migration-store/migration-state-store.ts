import type { Pool } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import type { MigrationDirection } from '../../../core/src/routing/queue-route';
import type { LeaseFence } from '../../../core/src/migration/move-ledger';
import {
  MigrationInProgressError, type MigrationProgress, type MigrationRow, type MigrationStates, type MigrationStatus,
} from '../../../core/src/migration/migration-state';
import { MAX_RATE_PER_S } from '../../../core/src/migration/migration-rate';
import { JobState } from '../../../core/src/types/job-state';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { driverErrno } from '../../../core/src/sql/driver-errno';
import { execute, executeRetried, selectRows, withTransaction, type Row } from '../datastore/mysql-pool';
import { sql } from '../datastore/sql-loader';
import { MAX_QUEUE_NAME_LENGTH } from '../datastore/tables';
import { checkMigrationId } from './migration-id';

/** `queue_migrations` column sizes (migration 0002). */
const MAX_CLUSTER_LENGTH = 100;
const MAX_OWNER_LENGTH = 200;
const MAX_ERROR_LENGTH = 1000;
/** ER_DUP_ENTRY: two starts of a new queue raced; the loser reads the winner's row and decides again. */
const ER_DUP_ENTRY = 1062;
const START_ATTEMPTS = 3;

const DIRECTIONS: readonly MigrationDirection[] = ['to-pacer', 'to-legacy'];
const STATUSES: readonly MigrationStatus[] = ['copying', 'complete', 'finalized', 'rolled-back'];

/** The `moved_*` counter of each state a copier moves (MigrationProgress.moved is keyed by JobState number). */
const MOVED_COLUMN_ORDER: readonly JobState[] = [JobState.PENDING, JobState.FAILED, JobState.SUCCEEDED];

/**
 * The migration copier's per-queue work state (core/src/migration/migration-state.ts), table
 * `queue_migrations` (docs/pacer-schema.md): one row per queue naming its current migration, and
 * the lease that lets one copier at a time work the queue. Every new holder of the lease gets a
 * larger epoch; progress is written only with the fence (owner, epoch) that holds the lease, so a
 * copier whose lease lapsed and was taken over writes nothing. Times come from the injected clock.
 */
export class MigrationStateStore implements MigrationStates {
  constructor(private readonly pool: Pool, private readonly clock: Clock) {}

  /**
   * Starts a migration of the queue: a new row, or the row of an earlier migration reset for this
   * one (lease dropped and its epoch increased, so a copier of the earlier one is fenced).
   * Starting the migration the row already has changes nothing. Refused with
   * MigrationInProgressError while the row is `copying` for another migration, unless `replacing`
   * names that one.
   */
  async start(req: {
    queue: string; migrationId: string; direction: MigrationDirection; legacyCluster: string; rateLimitPerS: number; replacing?: string;
  }): Promise<MigrationRow> {
    const { queue, migrationId, direction, legacyCluster, rateLimitPerS } = req;
    checkQueue(queue);
    checkMigrationId(migrationId);
    if (!DIRECTIONS.includes(direction)) throw invalid(`direction ${String(direction)}`);
    if (legacyCluster.length === 0 || legacyCluster.length > MAX_CLUSTER_LENGTH) throw invalid(`legacy cluster name '${legacyCluster}'`);
    checkRate(rateLimitPerS);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await withMysqlRetries(() => withTransaction(this.pool, async (conn) => {
          const row = (await selectRows(conn, sql('queue-migration-lock'), [queue]))[0];
          const now = this.clock.nowMs();
          if (row === undefined) {
            await execute(conn, sql('queue-migration-insert'), [queue, migrationId, direction, legacyCluster, rateLimitPerS, now, now]);
          } else if (String(row.migration_id) !== migrationId) {
            if (String(row.status) === 'copying' && String(row.migration_id) !== req.replacing) {
              throw new MigrationInProgressError(queue, String(row.migration_id));
            }
            await execute(conn, sql('queue-migration-restart'), [migrationId, direction, legacyCluster, rateLimitPerS, now, now, queue]);
          }
          return toRow(required((await selectRows(conn, sql('queue-migration-select'), [queue]))[0], queue));
        }));
      } catch (e) {
        if (e instanceof MigrationInProgressError) throw e;
        const cause = e instanceof Error ? e.cause : undefined;
        if (cause instanceof MigrationInProgressError) throw cause;
        if (driverErrno(e) !== ER_DUP_ENTRY || attempt >= START_ATTEMPTS) throw e;
      }
    }
  }

  async get(queue: string): Promise<MigrationRow | undefined> {
    const row = (await selectRows(this.pool, sql('queue-migration-select'), [queue]))[0];
    return row === undefined ? undefined : toRow(row);
  }

  async list(): Promise<MigrationRow[]> {
    return (await selectRows(this.pool, sql('queue-migration-list'), [])).map(toRow);
  }

  /** Pauses or resumes the queue's copying; UNKNOWN when the queue has no migration. */
  async setPaused(queue: string, paused: boolean): Promise<void> {
    const header = await executeRetried(this.pool, sql('queue-migration-set-paused'), [paused ? 1 : 0, this.clock.nowMs(), queue]);
    if (header.affectedRows === 0) throw noMigration(queue);
  }

  /** Sets the copy rate (jobs/s, 0 < rate ≤ MAX_RATE_PER_S); UNKNOWN when the queue has no migration. */
  async setRate(queue: string, rateLimitPerS: number): Promise<void> {
    checkRate(rateLimitPerS);
    const header = await executeRetried(this.pool, sql('queue-migration-set-rate'), [rateLimitPerS, this.clock.nowMs(), queue]);
    if (header.affectedRows === 0) throw noMigration(queue);
  }

  /** Sets the status of `migrationId`; UNKNOWN when the queue's row is absent or another migration's. */
  async setStatus(queue: string, migrationId: string, status: MigrationStatus): Promise<void> {
    if (!STATUSES.includes(status)) throw invalid(`status ${String(status)}`);
    const header = await executeRetried(this.pool, sql('queue-migration-set-status'), [status, this.clock.nowMs(), queue, migrationId]);
    if (header.affectedRows === 0) throw new PinLaterError(ErrorCode.UNKNOWN, `Queue ${queue} has no migration ${migrationId}`);
  }

  /**
   * Takes the queue's lease for `ttlMs` when it is free, lapsed, or already `owner`'s. A new owner
   * gets an epoch larger than any before; the same owner keeps its epoch. Undefined when another
   * owner holds it, or the queue has no migration.
   */
  async acquireLease(queue: string, owner: string, ttlMs: number): Promise<LeaseFence | undefined> {
    checkOwner(owner);
    return withMysqlRetries(() => withTransaction(this.pool, async (conn) => {
      const now = this.clock.nowMs();
      const header = await execute(conn, sql('queue-migration-lease-acquire'), [owner, owner, now + ttlMs, now, queue, now, owner]);
      if (header.affectedRows === 0) return undefined;
      const row = required((await selectRows(conn, sql('queue-migration-select'), [queue]))[0], queue);
      return { queue, owner, epoch: Number(row.lease_epoch) };
    }));
  }

  /** Extends a lease the fence still holds (a lapsed lease nobody took is still held); false when lost. */
  async renewLease(fence: LeaseFence, ttlMs: number): Promise<boolean> {
    const header = await executeRetried(this.pool, sql('queue-migration-lease-renew'), [this.clock.nowMs() + ttlMs, fence.queue, fence.owner, fence.epoch]);
    return header.affectedRows > 0;
  }

  /** Gives the lease up; a fence that no longer holds it changes nothing. */
  async releaseLease(fence: LeaseFence): Promise<void> {
    await executeRetried(this.pool, sql('queue-migration-lease-release'), [this.clock.nowMs(), fence.queue, fence.owner, fence.epoch]);
  }

  /**
   * Records progress only while the fence holds the lease; false (nothing written) once it was
   * released or taken over. `moved` is keyed by JobState number (0, 2, 3).
   */
  async recordProgress(fence: LeaseFence, progress: MigrationProgress): Promise<boolean> {
    const counts = movedCounts(progress.moved ?? {});
    const error = progress.lastError === undefined || progress.lastError === null ? progress.lastError : progress.lastError.slice(0, MAX_ERROR_LENGTH);
    const header = await executeRetried(this.pool, sql('queue-migration-progress'), [
      ...counts,
      progress.sourceEmptySinceMs === undefined ? 0 : 1, progress.sourceEmptySinceMs ?? null,
      progress.firstSeenTableVersion ?? null,
      error === undefined ? 0 : 1, error ?? null,
      this.clock.nowMs(), fence.queue, fence.owner, fence.epoch,
    ]);
    return header.affectedRows > 0;
  }
}

/** [pending, failed, succeeded] increments; any other state, or a count that is not a non-negative integer, is refused. */
function movedCounts(moved: Readonly<Record<number, number>>): number[] {
  for (const [state, n] of Object.entries(moved)) {
    if (!MOVED_COLUMN_ORDER.includes(Number(state) as JobState)) throw invalid(`moved state ${state} (a copier moves 0, 2 and 3 only)`);
    if (!Number.isSafeInteger(n) || n < 0) throw invalid(`moved count ${n} of state ${state}`);
  }
  return MOVED_COLUMN_ORDER.map((s) => moved[s] ?? 0);
}

function toRow(r: Row): MigrationRow {
  return {
    queue: String(r.queue),
    migrationId: String(r.migration_id),
    direction: String(r.direction) as MigrationDirection,
    legacyCluster: String(r.legacy_cluster),
    status: String(r.status) as MigrationStatus,
    paused: Number(r.paused) === 1,
    rateLimitPerS: Number(r.rate_limit_per_s),
    leaseOwner: r.lease_owner === null ? null : String(r.lease_owner),
    leaseExpiresMs: Number(r.lease_expires_ms),
    leaseEpoch: Number(r.lease_epoch),
    startedAtMs: Number(r.started_at_ms),
    firstSeenTableVersion: r.first_seen_table_version === null ? null : Number(r.first_seen_table_version),
    sourceEmptySinceMs: r.source_empty_since_ms === null ? null : Number(r.source_empty_since_ms),
    movedPending: Number(r.moved_pending),
    movedFailed: Number(r.moved_failed),
    movedSucceeded: Number(r.moved_succeeded),
    lastError: r.last_error === null ? null : String(r.last_error),
    updatedAtMs: Number(r.updated_at_ms),
  };
}

function required(row: Row | undefined, queue: string): Row {
  if (row === undefined) throw new PinLaterError(ErrorCode.UNKNOWN, `The migration row of queue ${queue} vanished`);
  return row;
}

function checkQueue(queue: string): void {
  if (queue.length === 0 || queue.length > MAX_QUEUE_NAME_LENGTH || !/^[\x20-\x7e]*$/.test(queue)) throw invalid(`queue name '${queue}'`);
}

function checkOwner(owner: string): void {
  if (owner.length === 0 || owner.length > MAX_OWNER_LENGTH) throw invalid(`lease owner '${owner}' (1 to ${MAX_OWNER_LENGTH} characters)`);
}

function checkRate(rate: number): void {
  if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_RATE_PER_S) throw invalid(`rate ${rate} (jobs/s, > 0 and at most ${MAX_RATE_PER_S})`);
}

function noMigration(queue: string): PinLaterError {
  return new PinLaterError(ErrorCode.UNKNOWN, `Queue ${queue} has no migration`);
}

function invalid(what: string): PinLaterError {
  return new PinLaterError(ErrorCode.UNKNOWN, `Invalid queue migration ${what}`);
}
