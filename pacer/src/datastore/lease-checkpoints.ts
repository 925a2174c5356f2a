import type { Pool, PoolConnection } from 'mysql2/promise';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { insertLeasesIn, type ClaimLease } from './claim-leases';
import { checkpointSet, type CheckpointRef } from './job-acks';
import { execute, selectRows, withTransaction } from './mysql-pool';
import type { OwnerRef } from './partition-owners';
import { sql } from './sql-loader';
import { leasedJobRows } from './lease-acks';

/** A checkpoint item of a job claimed by a lease, with that lease (the broker's lease map knows it). */
export interface LeasedCheckpoint extends CheckpointRef {
  leaseId: bigint;
  claimDescriptor: string;
}

/** What one leased checkpoint group did: the jobs it applied to, and the new leases that now claim them (none with moveToPending). */
export interface LeasedCheckpointOutcome {
  matched: number[];
  newLeases: ClaimLease[];
}

/** The partition's owner no longer holds it at this epoch: nothing of the group was written. */
export class LeaseOwnerFencedError extends Error {
  constructor(readonly owner: OwnerRef) {
    super(`owner ${owner.ownerId} no longer holds ${owner.queue}/${owner.partition} at epoch ${owner.epoch}`);
    this.name = 'LeaseOwnerFencedError';
  }
}

/**
 * One checkpoint group (checkpointGroups in job-acks.ts: the same SET values, distinct ids; all of
 * `owner`'s partition) of lease-claimed jobs, in ONE transaction: the jobs it applies to are found
 * and locked (lease-checkpoint-match.sql), changed and settled from their lease
 * (lease-checkpoint.sql); without moveToPending each claim descriptor's jobs are then named by a
 * new lease claimed now (fenced by the owner row: a stale owner writes nothing, the transaction is
 * rolled back and LeaseOwnerFencedError thrown). Retried whole on a lock conflict.
 */
export function checkpointLeased(
  pool: Pool, owner: OwnerRef, source: string, group: LeasedCheckpoint[], nowMs: number, nextLeaseId: () => bigint,
): Promise<LeasedCheckpointOutcome> {
  return withMysqlRetries(() => withTransaction(pool, (conn) => applyGroup(conn, owner, source, group, nowMs, nextLeaseId)));
}

async function applyGroup(
  conn: PoolConnection, owner: OwnerRef, source: string, group: LeasedCheckpoint[], nowMs: number, nextLeaseId: () => bigint,
): Promise<LeasedCheckpointOutcome> {
  const found = await selectRows(conn, sql('lease-checkpoint-match'), [itemRows(owner.queue, group), source]);
  const ids = new Set(found.map((r) => Number(r.id)));
  const applied = group.filter((c) => ids.has(c.ref.id));
  if (applied.length === 0) return { matched: [], newLeases: [] };
  const { item } = group[0] as LeasedCheckpoint;
  await execute(conn, sql('lease-checkpoint'), [itemRows(owner.queue, applied), ...checkpointSet(item, item.runAfterMs ?? nowMs, nowMs).slice(1)]);
  const newLeases = item.moveToPending ? [] : releases(owner, applied, nowMs, nextLeaseId);
  if ((await insertLeasesIn(conn, newLeases)).rejected.length > 0) throw new LeaseOwnerFencedError(owner);
  return { matched: applied.map((c) => c.ref.id), newLeases };
}

/** A new lease per claim descriptor naming the checkpointed jobs that stay claimed. */
function releases(owner: OwnerRef, applied: LeasedCheckpoint[], nowMs: number, nextLeaseId: () => bigint): ClaimLease[] {
  const byDescriptor = new Map<string, number[]>();
  for (const c of applied) byDescriptor.set(c.claimDescriptor, [...(byDescriptor.get(c.claimDescriptor) ?? []), c.ref.id]);
  return [...byDescriptor].map(([claimDescriptor, jobIds]) => ({ owner, leaseId: nextLeaseId(), claimDescriptor, claimedAtMs: nowMs, jobIds }));
}

/** The JSON rows the lease checkpoint statements join (leasedJobRows; the queue is the request's). */
function itemRows(queue: string, items: LeasedCheckpoint[]): string {
  return leasedJobRows(queue, items);
}
