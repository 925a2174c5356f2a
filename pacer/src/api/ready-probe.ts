import type { Pool } from 'mysql2/promise';
import { selectRows } from '../datastore/mysql-pool';
import { leaseRuleSql, partitionLeases } from '../datastore/lease-read-rule';

/**
 * Whether any of `partitions` of `queue` has a job ready to run now: one index-only `LIMIT 1`
 * lookup per partition and priority (those the dequeue serves) (`ready-probe`; a job a claim lease
 * holds is IN_PROGRESS, not ready: lease-read-rule.ts), stopping at the first hit. The router asks it
 * only when a dequeue would answer "empty" while some partitions could not be served, to tell a
 * queue that truly has nothing ready (PinLater's empty answer) from jobs stranded behind a
 * missing owner (an error, never a silent empty).
 */
export async function anyReadyJob(pool: Pool, queue: string, partitions: readonly number[], priorities: readonly number[], nowMs: number): Promise<boolean> {
  for (const partition of partitions) {
    for (const priority of priorities) {
      const params = [queue, partition, priority, nowMs, ...partitionLeases(queue, partition)];
      if ((await selectRows(pool, leaseRuleSql('ready-probe'), params)).length > 0) return true;
    }
  }
  return false;
}
