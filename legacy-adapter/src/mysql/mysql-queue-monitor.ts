import type { MonitorSettings, ShardMonitorResult } from '../../../core/src/interfaces/shard-store';
import { JobState } from '../../../core/src/types/job-state';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { classifyMysqlError, javaStyleMessage, mysqlErrno } from './mysql-errors';
import type { SessionPool, SqlSession } from './mysql-session-pool';
import { renderSql } from './sql-loader';
import { jobsTableName, queueNamesFromCatalog, quotedJobsTable } from './tables';

type QueueCounts = ShardMonitorResult['queues'][string];

export interface ShardMonitorContext {
  shard: string;
  /** The instance's monitor pool (MONITOR_CONNECTIONS_PER_SHARD, MONITOR_SOCKET_TIMEOUT_SECONDS). */
  pool: SessionPool;
  /** BACKEND_NUM_AUTO_RETRIES: how often a deadlock restarts the shard's pass. */
  deadlockRetries: number;
  onDeadlock(): void;
  onMalformedDatabases(names: string[]): void;
  onMissingTable(table: string): void;
}

const ER_NO_SUCH_TABLE = 1146;

/**
 * One pass of PinLater's MySQL queue monitor over one logical shard (FACTS §5.7): for every queue
 * found in the catalog and every priority, timeout-done, timeout-retry, succeeded GC, failed GC.
 * Thresholds come from the run start (client clock, whole seconds). A deadlock or lock wait timeout
 * restarts the pass (up to `deadlockRetries` times, counts kept, after the jittered pause of
 * core/src/sql/mysql-retry.ts; PinLater restarts at once, which only re-meets the other
 * transaction); any other error ends the pass for this shard and is reported in `error`.
 *
 * Deviation (docs/compatibility.md, "Legacy MySQL: monitor skips missing tables"): a missing table
 * (error 1146, e.g. a queue database left without tables by a partial createQueue) skips that
 * table only; PinLater ends the shard's pass there, so claims of every later queue on the shard
 * never time out.
 */
export async function runShardMonitor(ctx: ShardMonitorContext, priorities: number, settings: MonitorSettings): Promise<ShardMonitorResult> {
  const result: ShardMonitorResult = { queues: {} };
  try {
    // PinLater bounds the restarts by count only, however long a pass took (FACTS §5.7).
    await withMysqlRetries(() => ctx.pool.withSession((s) => monitorPass(ctx, s, priorities, settings, result)), {
      attempts: ctx.deadlockRetries + 1,
      maxElapsedMs: Number.POSITIVE_INFINITY,
      onRetry: () => ctx.onDeadlock(),
    });
  } catch (e) {
    result.error = javaStyleMessage(classifyMysqlError(e), e);
  }
  return result;
}

async function monitorPass(ctx: ShardMonitorContext, s: SqlSession, priorities: number, settings: MonitorSettings, result: ShardMonitorResult): Promise<void> {
  const rows = await s.select(renderSql('list-databases'));
  const { queues, malformed } = queueNamesFromCatalog(rows.map((r) => String(Object.values(r)[0])), ctx.shard);
  if (malformed.length > 0) ctx.onMalformedDatabases(malformed);
  const timeoutAt = s.timestamp(settings.runStartMs - settings.claimTimeoutMs);
  const succeededGcAt = s.timestamp(settings.runStartMs - settings.succeededTtlMs);
  const failedGcAt = s.timestamp(settings.runStartMs - settings.failedTtlMs);
  for (const queue of queues) {
    const counts = (result.queues[queue] ??= { timeoutDone: 0, timeoutRetry: 0, timeoutEvicted: 0, succeededGc: 0, failedGc: 0 });
    for (let priority = 1; priority <= priorities; priority++) {
      try {
        await monitorTable(s, quotedJobsTable(ctx.shard, queue, priority), settings.updateMaxSize, { timeoutAt, succeededGcAt, failedGcAt }, counts);
      } catch (e) {
        if (mysqlErrno(e) !== ER_NO_SUCH_TABLE) throw e;
        ctx.onMissingTable(jobsTableName(ctx.shard, queue, priority));
      }
    }
  }
}

async function monitorTable(
  s: SqlSession,
  table: string,
  limit: number,
  at: { timeoutAt: string; succeededGcAt: string; failedGcAt: string },
  counts: QueueCounts,
): Promise<void> {
  const done = await s.run(renderSql('monitor-timeout-done', { table }), [JobState.FAILED, JobState.IN_PROGRESS, at.timeoutAt, limit]);
  counts.timeoutDone += done.affectedRows;
  const retry = await s.run(renderSql('monitor-timeout-retry', { table }), [JobState.PENDING, JobState.IN_PROGRESS, at.timeoutAt, limit]);
  counts.timeoutRetry += retry.affectedRows;
  const succeeded = await s.run(renderSql('monitor-gc', { table }), [JobState.SUCCEEDED, at.succeededGcAt, limit]);
  counts.succeededGc += succeeded.affectedRows;
  const failed = await s.run(renderSql('monitor-gc', { table }), [JobState.FAILED, at.failedGcAt, limit]);
  counts.failedGc += failed.affectedRows;
}
