import type { Pool } from 'mysql2/promise';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { JobState } from '../../../core/src/types/job-state';
import { execute, withTransaction } from './mysql-pool';
import { timeOutLeasesIn } from './lease-settlement';
import { collectSettledDescriptors } from './settled-descriptors';
import { holdsOwnership, type OwnerRef } from './partition-owners';
import { sql } from './sql-loader';

/** PinLater monitor settings (FACTS §7), milliseconds. */
export interface MonitorSettings {
  claimTimeoutMs: number;
  succeededTtlMs: number;
  failedTtlMs: number;
  updateMaxSize: number;
}

export interface PartitionMonitorCounts {
  timeoutDone: number;
  timeoutRetry: number;
  succeededGc: number;
  failedGc: number;
  /**
   * Claim leases this pass timed out and deleted (their jobs count in timeoutDone/timeoutRetry);
   * absent when none. A lease-mode broker drops them from its lease map.
   */
  settledLeaseIds?: bigint[];
}

export const PINLATER_MONITOR_DEFAULTS: MonitorSettings & { periodMs: number } = {
  claimTimeoutMs: 180_000,
  succeededTtlMs: 3_600_000,
  failedTtlMs: 7_200_000,
  updateMaxSize: 5000,
  periodMs: 120_000,
};

/**
 * One monitor pass over one partition (FACTS §5.7): claim timeouts (last attempt → FAILED, else
 * PENDING with one attempt consumed, run_after unchanged) of per-job claims, then of claim leases
 * (lease-settlement.ts; their counts add to the same totals), then GC of SUCCEEDED/FAILED by
 * completion age. With `owner`, everything runs in one transaction guarded by the partition's
 * epoch, so a stale broker's monitor changes nothing, and run again when InnoDB rolls it back on a
 * lock conflict; `null` (admin `runMonitorOnce`) runs unguarded. Returns `undefined` when the
 * owner was fenced.
 */
export async function monitorPartition(
  pool: Pool, settings: MonitorSettings, queue: string, partition: number, nowMs: number, owner: OwnerRef | null,
): Promise<PartitionMonitorCounts | undefined> {
  const claimedBefore = nowMs - settings.claimTimeoutMs;
  const n = settings.updateMaxSize;
  const run = async (db: Pool | Parameters<typeof holdsOwnership>[0]): Promise<PartitionMonitorCounts> => {
    const timeoutDone = (await execute(db, sql('monitor-timeout-done'), [nowMs, queue, partition, claimedBefore, n])).affectedRows;
    const timeoutRetry = (await execute(db, sql('monitor-timeout-retry'), [nowMs, queue, partition, claimedBefore, n])).affectedRows;
    const leases = await timeOutLeasesIn(db, { queue, partition, claimedBeforeMs: claimedBefore, nowMs, maxJobs: n });
    const counts: PartitionMonitorCounts = {
      timeoutDone: timeoutDone + leases.timeoutDone,
      timeoutRetry: timeoutRetry + leases.timeoutRetry,
      succeededGc: (await execute(db, sql('monitor-gc'), [queue, partition, JobState.SUCCEEDED, nowMs - settings.succeededTtlMs, n])).affectedRows,
      failedGc: (await execute(db, sql('monitor-gc'), [queue, partition, JobState.FAILED, nowMs - settings.failedTtlMs, n])).affectedRows,
    };
    await collectSettledDescriptors(db, queue, partition, nowMs, n);
    return leases.leaseIds.length === 0 ? counts : { ...counts, settledLeaseIds: leases.leaseIds };
  };
  if (owner === null) return run(pool);
  // A deadlock victim's transaction was rolled back whole: the pass runs again (mysql-retry.ts).
  return withMysqlRetries(() => withTransaction(pool, async (conn) => ((await holdsOwnership(conn, owner)) ? run(conn) : undefined)));
}
