import { execute, selectRows, type Queryable } from './mysql-pool';
import { sql } from './sql-loader';

/**
 * Claim descriptors of deleted leases (`settled_descriptors`, migration 0004). A lease ack leaves
 * the job row's `claim_descriptor` alone (writing it grows the row, which InnoDB cannot do in
 * place: a third of the ack's cost, bench/lease-ack-cost.ts) and records only `settled_lease`;
 * reads take the descriptor from the lease while it lives and from here once it is deleted
 * (settled-descriptor.sql). So every DELETE of leases by id copies them here first, and the
 * partition monitor deletes what no job can name any more.
 */

/**
 * How much older than the partition's oldest SUCCEEDED/FAILED job a settled descriptor must be
 * before it is deleted: the lease's deletion and the job's ack are timed by the clocks of
 * different processes (a broker, an API settling acks itself, an admin's runMonitorOnce). An hour
 * is far beyond the skew of NTP-kept hosts; a deleting host's clock behind by more than that could
 * let the GC drop a descriptor a job still reads (the job would then show none).
 */
export const SETTLED_DESCRIPTOR_CLOCK_MARGIN_MS = 60 * 60_000;

/** Keeps the descriptors of these leases of (queue, partition), about to be deleted (settled-descriptors-copy.sql). */
export async function keepSettledDescriptors(db: Queryable, queue: string, partition: number, leaseIds: readonly bigint[], nowMs: number): Promise<void> {
  if (leaseIds.length === 0) return;
  await execute(db, sql('settled-descriptors-copy'), [nowMs, queue, partition, [...leaseIds]]);
}

/**
 * Deletes at most `limit` settled descriptors of (queue, partition) that no SUCCEEDED or FAILED job
 * of the partition can name: older than its oldest such job (or than now, when it has none) by
 * the clock margin. Returns how many were deleted.
 */
export async function collectSettledDescriptors(db: Queryable, queue: string, partition: number, nowMs: number, limit: number): Promise<number> {
  const [row] = await selectRows(db, sql('settled-descriptors-floor'), [queue, partition, queue, partition]);
  const floor = Math.min(nowMs, ...[row?.succeeded_ms, row?.failed_ms].filter((v) => v !== null && v !== undefined).map(Number));
  return (await execute(db, sql('settled-descriptors-gc'), [queue, partition, floor - SETTLED_DESCRIPTOR_CLOCK_MARGIN_MS, limit])).affectedRows;
}
