import type { Pool } from 'mysql2/promise';
import { checkLeaseId, epochOfLeaseId } from './claim-lease-id';
import { decodeJobIds, encodeJobIds } from './claim-lease-job-ids';
import { execute, executeRetried, selectRows, type Queryable, type Row } from './mysql-pool';
import type { OwnerRef } from './partition-owners';
import { keepSettledDescriptors } from './settled-descriptors';
import { sql, sqlWithSlots } from './sql-loader';
import { CLAIM_DESCRIPTOR_MAX_CHARS } from './tables';

/**
 * The claim lease store (`claim_leases`, migration 0003; docs/pacer-performance.md, "Claim leases:
 * the design to build"): a claim batch writes one lease per partition and claim descriptor naming
 * the jobs it takes, instead of updating every job row. Every write is fenced by the partition's
 * ownership row (partition_owners: owner id and epoch), inside the statement, exactly as
 * claim-jobs.sql fences today's claims. Nothing in the dequeue path uses this store yet.
 */

/** One lease: the jobs one dequeue took from one partition. */
export interface ClaimLease {
  /** The partition (queue, partition) and the owner (id, epoch) that writes the lease. */
  readonly owner: OwnerRef;
  /** `leaseIdOf(owner.epoch, counter)` (claim-lease-id.ts): its epoch must be the owner's. */
  readonly leaseId: bigint;
  readonly claimDescriptor: string;
  readonly claimedAtMs: number;
  /** Positive safe integers (claim-lease-job-ids.ts), at least one. */
  readonly jobIds: readonly number[];
}

export interface LeaseInsertOutcome {
  readonly written: ClaimLease[];
  /** Leases of partitions the owner no longer holds at that epoch (stale): nothing was written for them. */
  readonly rejected: ClaimLease[];
}

/** Most leases one `liveLeases` page returns. */
export const MAX_LEASE_PAGE = 1000;

/** A page of a partition's leases: the first `limit` with a lease id above `afterLeaseId`. */
export interface LeasePage {
  readonly limit: number;
  /** Exclusive; the last lease id of the previous page (default: from the start). */
  readonly afterLeaseId?: bigint;
}

/**
 * Writes a claim batch's leases in ONE autocommit INSERT … SELECT fenced by the owner rows
 * (claim-leases-insert.sql; retried whole when InnoDB rolls it back on a lock conflict). A lease
 * whose owner no longer holds its partition at its epoch is not written; the outcome says which
 * were. Reads back only when fewer leases were written than asked. Error before any statement
 * when a lease breaks the contract (lease id, descriptor, job ids; one owner per partition and
 * distinct lease ids within the batch).
 */
export async function insertLeases(pool: Pool, leases: readonly ClaimLease[]): Promise<LeaseInsertOutcome> {
  if (leases.length === 0) return { written: [], rejected: [] };
  const rowParams = leases.map(leaseRowParams);
  const owners = batchOwners(leases);
  const text = sqlWithSlots('claim-leases-insert', { leaseRows: leases.map(() => sql('claim-lease-row')).join(' UNION ALL ') });
  const header = await executeRetried(pool, text, [...rowParams.flat(), owners.map((o) => [o.queue, o.partition, o.ownerId, o.epoch])]);
  if (header.affectedRows === leases.length) return { written: [...leases], rejected: [] };
  return splitWritten(pool, leases);
}

/**
 * insertLeases inside the caller's transaction (`conn` of withTransaction; no retry of its own: a
 * deadlock rolls back the whole transaction, which the caller retries). The outcome says which
 * leases were written; a rejected one's owner no longer holds its partition at its epoch.
 */
export async function insertLeasesIn(conn: Queryable, leases: readonly ClaimLease[]): Promise<LeaseInsertOutcome> {
  if (leases.length === 0) return { written: [], rejected: [] };
  const rowParams = leases.map(leaseRowParams);
  const owners = batchOwners(leases);
  const text = sqlWithSlots('claim-leases-insert', { leaseRows: leases.map(() => sql('claim-lease-row')).join(' UNION ALL ') });
  const header = await execute(conn, text, [...rowParams.flat(), owners.map((o) => [o.queue, o.partition, o.ownerId, o.epoch])]);
  if (header.affectedRows === leases.length) return { written: [...leases], rejected: [] };
  return splitWritten(conn, leases);
}

/** One page of the partition's leases, in lease id order (a broker taking the partition over loads them all, page by page). */
export async function liveLeases(pool: Pool, queue: string, partition: number, page: LeasePage): Promise<ClaimLease[]> {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_LEASE_PAGE) {
    throw new RangeError(`claim lease page limit must be an integer in 1 … ${MAX_LEASE_PAGE}, got ${page.limit}`);
  }
  const after = page.afterLeaseId ?? -1n;
  if (after !== -1n) checkLeaseId(after);
  const rows = await selectRows(pool, sql('claim-leases-live'), [queue, partition, after, page.limit]);
  return rows.map(toLease);
}

/**
 * Deletes leases of `owner`'s partition (its own, or a previous owner's it loaded), fenced by the
 * owner row like the insert (claim-leases-delete.sql): a stale owner deletes nothing. Their claim
 * descriptors are kept first, for the jobs they settled (settled-descriptors.ts). Returns the
 * number of leases deleted (ids that no longer exist count as nothing).
 */
export async function deleteLeases(pool: Pool, owner: OwnerRef, leaseIds: readonly bigint[], nowMs: number): Promise<number> {
  if (leaseIds.length === 0) return 0;
  for (const id of leaseIds) checkLeaseId(id);
  await keepSettledDescriptors(pool, owner.queue, owner.partition, leaseIds, nowMs);
  const header = await executeRetried(pool, sql('claim-leases-delete'), [owner.queue, owner.partition, [...leaseIds], owner.ownerId, owner.epoch]);
  return header.affectedRows;
}

/** claim-lease-row.sql's parameters for one lease, after checking it. */
function leaseRowParams(lease: ClaimLease): unknown[] {
  const { owner, leaseId, claimDescriptor, claimedAtMs } = lease;
  checkLeaseId(leaseId);
  if (epochOfLeaseId(leaseId) !== owner.epoch) {
    throw new RangeError(`claim lease ${leaseId} carries epoch ${epochOfLeaseId(leaseId)}, its owner ${owner.ownerId} holds ${owner.queue}/${owner.partition} at epoch ${owner.epoch}`);
  }
  if (claimDescriptor.length > CLAIM_DESCRIPTOR_MAX_CHARS) throw new RangeError(`claim descriptor longer than ${CLAIM_DESCRIPTOR_MAX_CHARS} characters`);
  if (!Number.isSafeInteger(claimedAtMs)) throw new RangeError(`claim time ${claimedAtMs} is not an integer of milliseconds`);
  return [owner.queue, owner.partition, leaseId, claimDescriptor, claimedAtMs, encodeJobIds(lease.jobIds)];
}

/** The batch's owners, one per partition; Error when a partition has two, or a lease id repeats. */
function batchOwners(leases: readonly ClaimLease[]): OwnerRef[] {
  const owners = new Map<string, OwnerRef>();
  const ids = new Set<string>();
  for (const { owner, leaseId } of leases) {
    const partition = partitionKey(owner.queue, owner.partition);
    const known = owners.get(partition);
    if (known !== undefined && (known.ownerId !== owner.ownerId || known.epoch !== owner.epoch)) {
      throw new Error(`claim leases of one batch name two owners of ${partition}`);
    }
    owners.set(partition, owner);
    const id = `${partition}/${leaseId}`;
    if (ids.has(id)) throw new Error(`claim lease ${id} appears twice in one batch`);
    ids.add(id);
  }
  return [...owners.values()];
}

/** After a partial insert: which leases exist with their own owner and epoch (claim-leases-written.sql). */
async function splitWritten(db: Queryable, leases: readonly ClaimLease[]): Promise<LeaseInsertOutcome> {
  const rows = await selectRows(db, sql('claim-leases-written'), [leases.map((l) => [l.owner.queue, l.owner.partition, l.leaseId])]);
  const found = new Set(rows.map((r) => writtenKey(String(r.queue), Number(r.part), bigintOf(r.lease_id), String(r.owner_id), Number(r.epoch))));
  const outcome: LeaseInsertOutcome = { written: [], rejected: [] };
  for (const l of leases) {
    const key = writtenKey(l.owner.queue, l.owner.partition, l.leaseId, l.owner.ownerId, l.owner.epoch);
    (found.has(key) ? outcome.written : outcome.rejected).push(l);
  }
  return outcome;
}

function toLease(r: Row): ClaimLease {
  return {
    owner: { queue: String(r.queue), partition: Number(r.part), ownerId: String(r.owner_id), epoch: Number(r.epoch) },
    leaseId: bigintOf(r.lease_id),
    claimDescriptor: String(r.claim_descriptor),
    claimedAtMs: Number(r.claimed_at_ms),
    jobIds: decodeJobIds(jsonText(r.job_ids)),
  };
}

/** claim-leases-live.sql reads job_ids as text (CAST), never as the driver's parse of a JSON column. */
function jsonText(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`claim lease job_ids read as ${typeof value}, not as its JSON text`);
  return value;
}

/** A BIGINT as the driver returns it: a number when it is a safe integer, else its decimal string. */
function bigintOf(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value))) return BigInt(value);
  throw new Error(`not a BIGINT value: ${String(value)}`);
}

function partitionKey(queue: string, partition: number): string {
  return `${queue}/${partition}`;
}

function writtenKey(queue: string, partition: number, leaseId: bigint, ownerId: string, epoch: number): string {
  return JSON.stringify([queue, partition, leaseId.toString(), ownerId, epoch]);
}
