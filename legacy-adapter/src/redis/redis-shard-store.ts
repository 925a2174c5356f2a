import type {
  MonitorSettings,
  ShardJob,
  ShardJobInfo,
  ShardMonitorResult,
  ShardPortableJob,
  ShardStore,
} from '../../../core/src/interfaces/shard-store';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import type { JobInfo, NewJob, PortableJob } from '../../../core/src/types/job';
import { ALL_JOB_STATES, type JobState } from '../../../core/src/types/job-state';
import type { CheckpointItem } from '../../../core/src/types/requests';
import type { Clock } from '../../../core/src/util/clock';
import { javaDoubleToString, javaSeconds } from '../../../core/src/util/java-format';
import type { StepBudget } from '../../../core/src/util/step-budget';
import { BodyFilter } from './body-filter/body-filter';
import { deleteMatchingJobs } from './body-filter/delete-matching-jobs';
import { checkpointSourceBytes, runCheckpoint } from './checkpoint-claim';
import { dequeueInChunks, inChunks } from './chunked-script-calls';
import { queueNamesKey, stagedZsetKey, stateZsetKey, takenZsetKey } from './keys';
import { isRedisConnectionFailure } from './redis-errors';
import { javaUtf8Text, truncateCustomStatus } from './redis-job-codec';
import { runShardMonitor } from './redis-shard-monitor';
import { countJobs, lookupJob, peekPending, scanJobs } from './redis-shard-reads';
import {
  discardStagedJobs,
  finishMovedJobs,
  listStagedJobs,
  listTakenJobs,
  publishStagedJobs,
  restoreMovedJobs,
  stageMovedJobs,
  takeJobsForMove,
} from './redis-shard-moves';
import { exportShardJobs, importShardJobs } from './redis-shard-transfer';
import type { ShardCommands } from './shard-commands';
import { ShardKeyCache } from './shard-key-cache';

export interface RedisShardStoreOptions {
  name: string;
  dequeueOnly: boolean;
  commands: ShardCommands;
  /** Ping health of this shard's host:port (redis-health-checker.ts). */
  isHealthy: () => boolean;
  numPriorityLevels: number;
  stats: Stats;
  logger: Logger;
  clock: Clock;
  /** Called once by `close()` (releases the shared host connection). */
  onClose?: () => Promise<void>;
}

/**
 * One PinLater Redis shard (FACTS §6): reads and writes PinLater's own key layout byte for byte,
 * so a PinLater server and this gateway can share the Redis. Every multi-step change is one Lua
 * script of `lua/`; times are written as Java `Double.toString` seconds.
 *
 * Health (FACTS §8): on an unhealthy shard dequeue/peek return nothing (PinLater throws an NPE →
 * UNKNOWN; deviation), count → 0, scan → empty, retry/delete → 0, the monitor skips the shard.
 * lookup/ack/checkpoint ignore health, as in PinLater.
 */
export class RedisShardStore implements ShardStore {
  readonly name: string;
  readonly dequeueOnly: boolean;
  private readonly options: RedisShardStoreOptions;
  private readonly cmd: ShardCommands;
  private readonly keyCache: ShardKeyCache;
  private closed = false;
  /** `nowText()` memo: many script calls of one batch run in the same millisecond. */
  private lastNowMs = Number.NaN;
  private lastNowText = '';

  constructor(options: RedisShardStoreOptions) {
    this.options = options;
    this.name = options.name;
    this.dequeueOnly = options.dequeueOnly;
    this.cmd = options.commands;
    this.keyCache = new ShardKeyCache(options.name);
  }

  isHealthy(): boolean {
    return this.options.isHealthy();
  }

  private nowText(): string {
    const ms = this.options.clock.nowMs();
    if (ms !== this.lastNowMs) {
      this.lastNowText = javaSeconds(ms);
      this.lastNowMs = ms;
    }
    return this.lastNowText;
  }

  private keys(queue: string, priority: number) {
    return this.keyCache.priority(queue, priority);
  }

  /** `ZADD pln_<shard> NX now queue`: the first creation time is kept (FACTS §6.3). */
  async createQueue(queue: string): Promise<void> {
    await this.cmd.text(['ZADD', queueNamesKey(this.name), 'NX', this.nowText(), queue]);
  }

  /**
   * PinLater removes the name and the PENDING and IN_PROGRESS sets with their hashes. We also drop
   * SUCCEEDED and FAILED (PinLater leaks them forever, FACTS §6.3) and the sets of moves, taken
   * and staged, with their hashes; the `plj_` counter is kept so a re-created queue never reuses a
   * local id (docs/compatibility.md).
   */
  async deleteQueue(queue: string): Promise<void> {
    await this.cmd.text(['ZREM', queueNamesKey(this.name), queue]);
    for (let priority = 1; priority <= this.options.numPriorityLevels; priority++) {
      const k = this.keys(queue, priority);
      const moves = ALL_JOB_STATES.flatMap((state) => [takenZsetKey(this.name, queue, priority, state), stagedZsetKey(this.name, queue, priority, state)]);
      for (const zset of [k.pending, k.inProgress, k.succeeded, k.failed, ...moves]) {
        // DELETE_QUEUE's effect in bounded calls: delete-jobs until the set is empty.
        await inChunks(Number.POSITIVE_INFINITY, async (n) => Number(await this.cmd.script<number>('delete-jobs', [zset, k.hashPrefix], [String(n)])));
      }
    }
  }

  async listQueues(): Promise<Set<string>> {
    return new Set(await this.cmd.text<string[]>(['ZRANGE', queueNamesKey(this.name), '0', '-1']));
  }

  /** Run-after 0 or unset means now (FACTS §6.4 ENQUEUE_JOB). */
  async enqueue(queue: string, job: NewJob): Promise<number> {
    const now = this.nowText();
    const runAfter = job.runAfterMs !== undefined && job.runAfterMs !== 0 ? javaSeconds(job.runAfterMs) : now;
    const k = this.keys(queue, job.priority);
    const id = await this.cmd.script<number>(
      'enqueue-job',
      [this.keyCache.idCounter(queue), k.hashPrefix, k.pending],
      [job.body, String(job.attemptsAllowed), now, runAfter, truncateCustomStatus(job.customStatus)],
    );
    return Number(id);
  }

  async dequeue(queue: string, priority: number, limit: number, claimDescriptor: string): Promise<ShardJob[]> {
    if (!this.isHealthy() || limit <= 0) return [];
    const k = this.keys(queue, priority);
    return dequeueInChunks(this.cmd, [k.pending, k.inProgress, k.hashPrefix], this.nowText(), limit, javaUtf8Text(claimDescriptor));
  }

  /**
   * Dry run: the first `limit` eligible ids (ZRANGEBYSCORE's order, read in pages of at most
   * ID_PAGE_SIZE) and one pipelined HMGET per id, nothing written. An id whose hash has no body
   * (evicted) is skipped; PinLater fails the whole call with an NPE (deviation).
   */
  async peek(queue: string, priority: number, limit: number): Promise<ShardJob[]> {
    if (!this.isHealthy() || limit <= 0) return [];
    const k = this.keys(queue, priority);
    return peekPending(this.cmd, k.pending, k.hashPrefix, this.nowText(), limit);
  }

  async ackSucceeded(queue: string, priority: number, localId: number, appendCustomStatus: string): Promise<void> {
    const k = this.keys(queue, priority);
    await this.cmd.script(
      'ack-succeeded-job',
      [k.inProgress, k.hashPrefix, k.succeeded],
      [String(localId), this.nowText(), truncateCustomStatus(appendCustomStatus)],
    );
  }

  /** retry-at = now + retryDelayMillis / 1000.0, summed in seconds as Java does. */
  async ackFailed(queue: string, priority: number, localId: number, appendCustomStatus: string, retryDelayMs: number): Promise<void> {
    const nowMs = this.options.clock.nowMs();
    const k = this.keys(queue, priority);
    await this.cmd.script(
      'ack-failed-job',
      [k.inProgress, k.hashPrefix, k.pending, k.failed],
      [String(localId), javaSeconds(nowMs), truncateCustomStatus(appendCustomStatus), javaDoubleToString(nowMs / 1000.0 + retryDelayMs / 1000.0)],
    );
  }

  /**
   * PinLater's composed checkpoint script (checkpoint-job.lua): the claim must contain the source
   * as a substring, searched as plain text (PinLater: an escaped Lua pattern, same answer).
   */
  async checkpoint(queue: string, priority: number, localId: number, source: string, item: CheckpointItem): Promise<boolean> {
    const k = this.keys(queue, priority);
    const ts = item.runAfterMs !== undefined ? javaSeconds(item.runAfterMs) : this.nowText();
    const flag = (on: boolean): string => (on ? '1' : '0');
    const sourceBytes = checkpointSourceBytes(javaUtf8Text(source));
    return runCheckpoint(
      this.cmd,
      [k.inProgress, item.moveToPending ? k.pending : k.inProgress, k.hashPrefix],
      `${k.hashPrefix}${localId}`,
      [
        String(localId),
        sourceBytes,
        ts,
        javaUtf8Text(item.newBody ?? ''),
        String(item.numOfAttemptsAllowed ?? 0),
        javaUtf8Text(item.prependCustomStatus ?? ''),
        flag(item.newBody !== undefined),
        flag(item.numOfAttemptsAllowed !== undefined),
        flag(item.prependCustomStatus !== undefined),
        flag(item.moveToPending),
      ],
      sourceBytes,
    );
  }

  lookup(queue: string, priority: number, localId: number, includeBody: boolean): Promise<Omit<JobInfo, 'descriptor'> | null> {
    return lookupJob(this.readContext(), queue, priority, localId, includeBody);
  }

  async count(queue: string, priority: number, state: JobState, future: boolean, bodyRegex: string | undefined, filterBudget?: StepBudget): Promise<number> {
    if (!this.isHealthy()) return 0;
    return countJobs(this.readContext(), queue, priority, state, future, bodyRegex, filterBudget);
  }

  async scan(
    queue: string,
    priority: number,
    state: JobState,
    future: boolean,
    limit: number,
    bodyRegex: string | undefined,
    filterBudget?: StepBudget,
  ): Promise<ShardJobInfo[]> {
    if (!this.isHealthy() || limit <= 0) return [];
    return scanJobs(this.readContext(), queue, priority, state, future, limit, bodyRegex, filterBudget);
  }

  async retryFailed(queue: string, priority: number, limit: number, attemptsToAllow: number, runAfterMs: number): Promise<number> {
    if (!this.isHealthy() || limit <= 0) return 0;
    const k = this.keys(queue, priority);
    const runAfter = javaSeconds(runAfterMs);
    return inChunks(limit, async (n) =>
      Number(await this.cmd.script<number>('retry-jobs', [k.failed, k.pending, k.hashPrefix], [runAfter, String(n), String(attemptsToAllow)])),
    );
  }

  /**
   * Any non-null regex, even "", is PinLater's Lua-pattern delete (FACTS §11.27), matched in the
   * gateway under the request's budget (body-filter/); without one, delete-jobs in chunks.
   */
  async deleteJobs(queue: string, priority: number, state: JobState, limit: number, bodyRegex: string | undefined, filterBudget?: StepBudget): Promise<number> {
    if (!this.isHealthy() || limit <= 0) return 0;
    const zset = stateZsetKey(this.name, queue, priority, state);
    const prefix = this.keys(queue, priority).hashPrefix;
    if (bodyRegex !== undefined) return deleteMatchingJobs(this.cmd, zset, prefix, limit, BodyFilter.of(bodyRegex, filterBudget, this.options.stats));
    return inChunks(limit, async (n) => Number(await this.cmd.script<number>('delete-jobs', [zset, prefix], [String(n)])));
  }

  async runMonitor(priorities: number, settings: MonitorSettings): Promise<ShardMonitorResult> {
    if (!this.isHealthy()) return { queues: {}, error: `shard ${this.name} is unhealthy` };
    return runShardMonitor({ cmd: this.cmd, shard: this.name, stats: this.options.stats, logger: this.options.logger }, priorities, settings);
  }

  exportJobs(queue: string, priority: number, state: JobState, cursor: string | undefined, limit: number): Promise<{ jobs: ShardPortableJob[]; nextCursor?: string }> {
    return exportShardJobs(this.cmd, queue, priority, state, cursor, limit);
  }

  importJobs(queue: string, jobs: PortableJob[]): Promise<number[]> {
    return importShardJobs(this.cmd, queue, jobs);
  }

  // ---- exactly-once moves (redis-shard-moves.ts; not health-gated: a copier must never read an
  // unreachable shard as empty, so failures surface) ----------------------------------------------

  takeForMove(queue: string, priority: number, state: JobState, limit: number): Promise<ShardPortableJob[]> {
    return takeJobsForMove(this.cmd, queue, priority, state, limit);
  }

  listTaken(queue: string, priority: number, limit: number): Promise<ShardPortableJob[]> {
    return listTakenJobs(this.cmd, queue, priority, limit);
  }

  finishMove(queue: string, priority: number, localIds: readonly number[]): Promise<number> {
    return finishMovedJobs(this.cmd, queue, priority, localIds);
  }

  restoreMove(queue: string, priority: number, localIds: readonly number[]): Promise<number> {
    return restoreMovedJobs(this.cmd, queue, priority, localIds);
  }

  stageMoved(queue: string, priority: number, jobs: readonly PortableJob[]): Promise<ShardPortableJob[]> {
    return stageMovedJobs(this.cmd, queue, priority, jobs);
  }

  listStaged(queue: string, priority: number, limit: number): Promise<Array<{ localId: number; sourceDescriptor: string }>> {
    return listStagedJobs(this.cmd, queue, priority, limit);
  }

  publishStaged(queue: string, priority: number, items: ReadonlyArray<{ localId: number; claimDescriptor?: string }>): Promise<number> {
    return publishStagedJobs(this.cmd, queue, priority, items);
  }

  discardStaged(queue: string, priority: number, localIds: readonly number[]): Promise<number> {
    return discardStagedJobs(this.cmd, queue, priority, localIds);
  }

  isRetriable(error: unknown): boolean {
    return isRedisConnectionFailure(error);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.options.onClose?.();
  }

  private readContext() {
    return { cmd: this.cmd, shard: this.name, stats: this.options.stats, nowText: this.nowText() };
  }
}
