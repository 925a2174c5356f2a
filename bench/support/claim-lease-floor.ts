/**
 * The "claim lease" floor (docs/pacer-performance.md, "Claim leases: the design to build"): the
 * least durable work per claim batch of that design. Per batch:
 *
 * 1. The product's lease write: `insertLeases` (pacer/src/datastore/claim-leases.ts), ONE
 *    autocommit INSERT … SELECT into `claim_leases` (migration 0003) fenced by the partition_owners
 *    rows (claim-leases-insert.sql: owner rows share-locked, so a takeover serializes with it).
 *    One lease per partition the batch touches, holding that partition's ids, with lease ids
 *    `leaseIdOf(epoch, counter)` from a per-partition counter, as a broker would keep it.
 * 2. ONE autocommit batched ack UPDATE, ack-succeeded.sql's shape with `state = 0` (the job rows
 *    were never claimed: they change only here). Bench-only SQL on purpose: the floor is the least
 *    work per job, and the product's lease ack (lease-ack-succeeded.sql) does more: its per-row lease
 *    check and the claim-descriptor write (bench/lease-ack-cost.ts measures the difference).
 */
import type { Pool } from 'mysql2/promise';
import type { OwnerRef } from '../../pacer/src/datastore/partition-owners';
import { executeRetried } from '../../pacer/src/datastore/mysql-pool';
import { insertLeases, type ClaimLease } from '../../pacer/src/datastore/claim-leases';
import { leaseIdOf } from '../../pacer/src/datastore/claim-lease-id';

/** A pending job the bench takes: its id and partition (priority 1, as preloaded). */
export interface FloorJob {
  id: number;
  part: number;
}

const ACK_PENDING = `UPDATE jobs FORCE INDEX (PRIMARY) SET state = 2, custom_status = LEFT(CONCAT(custom_status, ?), 5000), updated_at_ms = ?
WHERE id IN (?) AND state = 0 AND (queue, part, priority, id) IN (?)`;

/** Per (queue, partition, epoch): the next lease counter (the broker's in-memory count). */
const counters = new Map<string, number>();

function nextLeaseId(owner: OwnerRef): bigint {
  const key = `${owner.queue}/${owner.partition}/${owner.epoch}`;
  const counter = counters.get(key) ?? 0;
  counters.set(key, counter + 1);
  return leaseIdOf(owner.epoch, counter);
}

/** Step 1: the fenced lease insert for one batch; returns lease rows written. */
export async function insertLease(pool: Pool, owners: OwnerRef[], jobs: FloorJob[], claimDescriptor: string, nowMs: number): Promise<number> {
  const byPart = new Map<number, number[]>();
  for (const j of jobs) byPart.set(j.part, [...(byPart.get(j.part) ?? []), j.id]);
  const used = owners.filter((o) => byPart.has(o.partition));
  if (used.length !== byPart.size) throw new Error('lease floor: an owner for each partition of the batch');
  const leases: ClaimLease[] = used.map((owner) => ({
    owner, leaseId: nextLeaseId(owner), claimDescriptor, claimedAtMs: nowMs, jobIds: byPart.get(owner.partition) ?? [],
  }));
  return (await insertLeases(pool, leases)).written.length;
}

/** Step 2: the success ack of never-claimed (pending) jobs; returns jobs acked. */
export async function ackPending(pool: Pool, queue: string, jobs: FloorJob[], nowMs: number): Promise<number> {
  const header = await executeRetried(pool, ACK_PENDING, ['', nowMs, jobs.map((j) => j.id), jobs.map((j) => [queue, j.part, 1, j.id])]);
  return header.affectedRows;
}
