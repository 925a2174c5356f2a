import type { Pool } from 'mysql2/promise';
import { JobState } from '../../../core/src/types/job-state';
import { execute, withTransaction } from './mysql-pool';
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
 * PENDING with one attempt consumed, run_after unchanged), then GC of SUCCEEDED/FAILED by run_after
 * age. With `owner`, everything runs in one transaction guarded by the partition's epoch, so a
 * stale broker's monitor changes nothing; `null` (admin `runMonitorOnce`) runs unguarded.
 * Returns `undefined` when the owner was fenced.
 */
export async function monitorPartition(
  pool: Pool, settings: MonitorSettings, queue: string, partition: number, nowMs: number, owner: OwnerRef | null,
): Promise<PartitionMonitorCounts | undefined> {
  const claimedBefore = nowMs - settings.claimTimeoutMs;
  const n = settings.updateMaxSize;
  const run = async (db: Pool | Parameters<typeof holdsOwnership>[0]): Promise<PartitionMonitorCounts> => ({
    timeoutDone: (await execute(db, sql('monitor-timeout-done'), [nowMs, queue, partition, claimedBefore, n])).affectedRows,
    timeoutRetry: (await execute(db, sql('monitor-timeout-retry'), [nowMs, queue, partition, claimedBefore, n])).affectedRows,
    succeededGc: (await execute(db, sql('monitor-gc'), [queue, partition, JobState.SUCCEEDED, nowMs - settings.succeededTtlMs, n])).affectedRows,
    failedGc: (await execute(db, sql('monitor-gc'), [queue, partition, JobState.FAILED, nowMs - settings.failedTtlMs, n])).affectedRows,
  });
  if (owner === null) return run(pool);
  return withTransaction(pool, async (conn) => ((await holdsOwnership(conn, owner)) ? run(conn) : undefined));
}
