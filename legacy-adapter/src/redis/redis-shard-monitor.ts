import type { MonitorSettings, ShardMonitorResult } from '../../../core/src/interfaces/shard-store';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import { javaSeconds } from '../../../core/src/util/java-format';
import { priorityKeys, queueNamesKey } from './keys';
import { replyInt } from './redis-job-codec';
import { redisStatNames } from './redis-stat-names';
import type { ShardCommands } from './shard-commands';

export interface ShardMonitorContext {
  cmd: ShardCommands;
  shard: string;
  stats: Stats;
  logger: Logger;
}

type QueueCounts = ShardMonitorResult['queues'][string];

/**
 * One pass of PinLater's RedisQueueMonitor over one healthy shard (FACTS §6.6), on the monitor
 * pool (monitor socket timeout): queue names from this shard's `pln_`; per queue and priority the
 * timeout script, then GC of succeeded and of failed jobs by completion time, each batch-limited
 * by updateMaxSize. The first failure stops the shard's pass (stat
 * `PinLater.RedisQueueMonitor.errors.<ErrorName>`) and is reported in `error`. The per-queue
 * stats are emitted by the base from the returned counts.
 */
export async function runShardMonitor(ctx: ShardMonitorContext, priorities: number, settings: MonitorSettings): Promise<ShardMonitorResult> {
  const result: ShardMonitorResult = { queues: {} };
  try {
    const queues = await ctx.cmd.text<string[]>(['ZRANGE', queueNamesKey(ctx.shard), '0', '-1'], 'monitor');
    for (const queue of queues) {
      const counts: QueueCounts = { timeoutDone: 0, timeoutRetry: 0, timeoutEvicted: 0, succeededGc: 0, failedGc: 0 };
      result.queues[queue] = counts;
      for (let priority = 1; priority <= priorities; priority++) {
        await monitorPriority(ctx, queue, priority, settings, counts);
      }
    }
  } catch (e) {
    const name = e instanceof Error ? e.name : 'Error';
    ctx.stats.incr(redisStatNames.monitorError(name));
    ctx.logger.warn({ err: e, shard: ctx.shard }, 'redis monitor failed; rest of the shard skipped');
    result.error = e instanceof Error ? e.message : String(e);
  }
  return result;
}

async function monitorPriority(ctx: ShardMonitorContext, queue: string, priority: number, s: MonitorSettings, counts: QueueCounts): Promise<void> {
  const k = priorityKeys(ctx.shard, queue, priority);
  const max = String(s.updateMaxSize);
  const [done, retry, evicted] = await ctx.cmd.script<unknown[]>(
    'monitor-timeout-update',
    [k.inProgress, k.hashPrefix, k.pending, k.failed],
    [javaSeconds(s.runStartMs - s.claimTimeoutMs), max, javaSeconds(s.runStartMs)],
    'monitor',
  );
  counts.timeoutDone += replyInt(done);
  counts.timeoutRetry += replyInt(retry);
  counts.timeoutEvicted += replyInt(evicted);
  const succeeded = await ctx.cmd.script<number>('monitor-gc-done-jobs', [k.succeeded, k.hashPrefix], [javaSeconds(s.runStartMs - s.succeededTtlMs), max], 'monitor');
  counts.succeededGc += Number(succeeded);
  const failed = await ctx.cmd.script<number>('monitor-gc-done-jobs', [k.failed, k.hashPrefix], [javaSeconds(s.runStartMs - s.failedTtlMs), max], 'monitor');
  counts.failedGc += Number(failed);
}
