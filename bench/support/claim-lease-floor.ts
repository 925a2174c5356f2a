/**
 * The "claim lease" floor (docs/pacer-performance.md, "What would move it"): the least durable work
 * per claim batch of that design, as bench-only SQL (not product statements). Per batch:
 *
 * 1. ONE autocommit INSERT … SELECT of lease rows into the scratch table `claim_leases_floor`,
 *    fenced like claim-jobs.sql: a row is written only for a partition whose `partition_owners`
 *    row still matches (queue, part, owner_id, epoch), and REPEATABLE READ share-locks the owner
 *    rows it reads, so a takeover (owner-lock FOR UPDATE) serializes with it. One row per
 *    partition the batch touches (a stale partition gets none), holding that partition's ids.
 * 2. ONE autocommit batched ack UPDATE, ack-succeeded.sql's shape with `state = 0` (the job rows
 *    were never claimed: they change only here).
 */
import type { Pool } from 'mysql2/promise';
import type { OwnerRef } from '../../pacer/src/datastore/partition-owners';
import { executeRetried } from '../../pacer/src/datastore/mysql-pool';

/** A pending job the bench takes: its id and partition (priority 1, as preloaded). */
export interface FloorJob {
  id: number;
  part: number;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS claim_leases_floor (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  queue VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  part INT NOT NULL,
  owner_id VARCHAR(200) NOT NULL,
  epoch BIGINT NOT NULL,
  claim_descriptor VARCHAR(200) NOT NULL,
  claimed_at_ms BIGINT NOT NULL,
  job_ids TEXT CHARACTER SET ascii NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

/** slot: one `WHEN ? THEN ?` per partition (part, JSON array of its ids). */
const INSERT_LEASE = `INSERT INTO claim_leases_floor (queue, part, owner_id, epoch, claim_descriptor, claimed_at_ms, job_ids)
SELECT o.queue, o.part, o.owner_id, o.epoch, ?, ?, CASE o.part {{idsByPart}} END
FROM partition_owners o
WHERE o.queue = ? AND o.part IN (?) AND (o.queue, o.part, o.owner_id, o.epoch) IN (?)`;

const ACK_PENDING = `UPDATE jobs FORCE INDEX (PRIMARY) SET state = 2, custom_status = LEFT(CONCAT(custom_status, ?), 5000), updated_at_ms = ?
WHERE id IN (?) AND state = 0 AND (queue, part, priority, id) IN (?)`;

/** Creates the scratch lease table in the pool's database (empty if new). */
export async function createLeaseFloorTable(pool: Pool): Promise<void> {
  await pool.query(CREATE_TABLE);
}

/** Step 1: the fenced lease insert for one batch of one queue; returns lease rows written. */
export async function insertLease(pool: Pool, owners: OwnerRef[], jobs: FloorJob[], claimDescriptor: string, nowMs: number): Promise<number> {
  const byPart = new Map<number, number[]>();
  for (const j of jobs) byPart.set(j.part, [...(byPart.get(j.part) ?? []), j.id]);
  const used = owners.filter((o) => byPart.has(o.partition));
  const queue = used[0]?.queue;
  if (queue === undefined || used.some((o) => o.queue !== queue)) throw new Error('lease floor: one queue per batch, with an owner for each partition');
  const text = INSERT_LEASE.replace('{{idsByPart}}', used.map(() => 'WHEN ? THEN ?').join(' '));
  const header = await executeRetried(pool, text, [
    claimDescriptor, nowMs, ...used.flatMap((o) => [o.partition, JSON.stringify(byPart.get(o.partition))]),
    queue, used.map((o) => o.partition), used.map((o) => [o.queue, o.partition, o.ownerId, o.epoch]),
  ]);
  return header.affectedRows;
}

/** Step 2: the success ack of never-claimed (pending) jobs; returns jobs acked. */
export async function ackPending(pool: Pool, queue: string, jobs: FloorJob[], nowMs: number): Promise<number> {
  const header = await executeRetried(pool, ACK_PENDING, ['', nowMs, jobs.map((j) => j.id), jobs.map((j) => [queue, j.part, 1, j.id])]);
  return header.affectedRows;
}
