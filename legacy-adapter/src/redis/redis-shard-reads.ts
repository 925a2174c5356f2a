import type { ShardJob, ShardJobInfo } from '../../../core/src/interfaces/shard-store';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { JobInfo } from '../../../core/src/types/job';
import { ALL_JOB_STATES, type JobState } from '../../../core/src/types/job-state';
import type { StepBudget } from '../../../core/src/util/step-budget';
import { BodyFilter } from './body-filter/body-filter';
import { countMatchingJobs } from './body-filter/count-matching-jobs';
import { scanMatchingJobs } from './body-filter/scan-matching-jobs';
import { jobHashPrefix, stateZsetKey } from './keys';
import { ID_PAGE_SIZE } from './redis-batch-limits';
import { replyBuffer, replyInt, replySecondsToMs, replyText } from './redis-job-codec';
import { redisStatNames } from './redis-stat-names';
import type { ShardCommands } from './shard-commands';
import { scoreRangePages, type ScoreRange } from './zset-pages';

/** What the read paths need from the store; `nowText` is "now" as Java seconds text. */
export interface ShardReadContext {
  cmd: ShardCommands;
  shard: string;
  stats: Stats;
  nowText: string;
}

/**
 * Lookup (FACTS §6.4): the first of PENDING, IN_PROGRESS, SUCCEEDED, FAILED whose ZSET holds the
 * id wins; a hash without `al` is "not found" (stat `redis_job_hash_not_found_..._lookup`).
 * runAfter = score × 1000 of that ZSET, whatever the state.
 */
export async function lookupJob(
  ctx: ShardReadContext,
  queue: string,
  priority: number,
  localId: number,
  includeBody: boolean,
): Promise<Omit<JobInfo, 'descriptor'> | null> {
  const id = String(localId);
  const scores = await Promise.all(ALL_JOB_STATES.map((s) => ctx.cmd.text<string | null>(['ZSCORE', stateZsetKey(ctx.shard, queue, priority, s), id])));
  const index = scores.findIndex((s) => s !== null);
  const state = ALL_JOB_STATES[index];
  if (state === undefined) return null;
  const fields = ['al', 'ar', 'cs', 'ca', 'ua', 'cd', ...(includeBody ? ['bd'] : [])];
  const h = await ctx.cmd.bytes<unknown[]>(['HMGET', `${jobHashPrefix(ctx.shard, queue)}${id}`, ...fields]);
  if (h[0] === null || h[0] === undefined) {
    ctx.stats.incr(redisStatNames.jobHashNotFound(ctx.stats.queueSeries(queue), ctx.shard, priority, 'lookup'));
    return null;
  }
  const info: Omit<JobInfo, 'descriptor'> = {
    state,
    attemptsAllowed: replyInt(h[0]),
    attemptsRemaining: replyInt(h[1]),
    customStatus: replyText(h[2]) ?? '',
    createdAtMs: replySecondsToMs(h[3]),
    updatedAtMs: replySecondsToMs(h[4]),
    runAfterMs: replySecondsToMs(scores[index]),
  };
  const claim = replyText(h[5]);
  if (claim !== undefined) info.claimDescriptor = claim;
  if (includeBody) info.body = replyBuffer(h[6]) ?? Buffer.alloc(0);
  return info;
}

/** Current: score in [-inf, now]; future: [now, +inf]. Both inclusive, overlapping at now (FACTS §11.26). */
function scoreRange(nowText: string, future: boolean): ScoreRange {
  return future ? { min: nowText, max: '+inf' } : { min: '-inf', max: nowText };
}

/**
 * ZCOUNT, or for any non-null regex (even "") PinLater's Lua-pattern count, matched in the gateway
 * under the request's budget (body-filter/). No cap.
 */
export async function countJobs(
  ctx: ShardReadContext,
  queue: string,
  priority: number,
  state: JobState,
  future: boolean,
  bodyRegex: string | undefined,
  filterBudget?: StepBudget,
): Promise<number> {
  const key = stateZsetKey(ctx.shard, queue, priority, state);
  const range = scoreRange(ctx.nowText, future);
  if (bodyRegex === undefined) return Number(await ctx.cmd.text<number>(['ZCOUNT', key, range.min, range.max]));
  return countMatchingJobs(ctx.cmd, key, jobHashPrefix(ctx.shard, queue), range, BodyFilter.of(bodyRegex, filterBudget, ctx.stats));
}

/** Up to `limit` jobs, highest score first (FACTS §6.4 Scan). */
export async function scanJobs(
  ctx: ShardReadContext,
  queue: string,
  priority: number,
  state: JobState,
  future: boolean,
  limit: number,
  bodyRegex: string | undefined,
  filterBudget?: StepBudget,
): Promise<ShardJobInfo[]> {
  const key = stateZsetKey(ctx.shard, queue, priority, state);
  const range = scoreRange(ctx.nowText, future);
  if (bodyRegex === undefined) return scanPlain(ctx, queue, priority, state, range, limit);
  const filter = BodyFilter.of(bodyRegex, filterBudget, ctx.stats);
  const matched = await scanMatchingJobs(ctx.cmd, key, jobHashPrefix(ctx.shard, queue), range, limit, filter);
  return matched.map((m) => toJobInfo(state, m.id, m.values));
}

/** Hash fields a plain scan reports (PinLater reads them with HGETALL). */
const SCAN_FIELDS = ['al', 'ar', 'cs', 'ca', 'ua', 'cd'];

/**
 * The first `limit` ids of the range (pages of at most ID_PAGE_SIZE), then per id whether it has
 * a body and its fields (pipelined HEXISTS + HMGET: the bodies themselves are not transferred,
 * unlike PinLater's HGETALL). Ids without `bd` are skipped, not refilled (stat ..._scan).
 */
async function scanPlain(ctx: ShardReadContext, queue: string, priority: number, state: JobState, range: ScoreRange, limit: number): Promise<ShardJobInfo[]> {
  const key = stateZsetKey(ctx.shard, queue, priority, state);
  const prefix = jobHashPrefix(ctx.shard, queue);
  const jobs: ShardJobInfo[] = [];
  let seen = 0;
  for await (const page of scoreRangePages(ctx.cmd, key, range, 'desc', Math.min(limit, ID_PAGE_SIZE))) {
    const ids = page.slice(0, limit - seen);
    seen += ids.length;
    const [exists, fields] = await Promise.all([
      Promise.all(ids.map(({ id }) => ctx.cmd.text<number>(['HEXISTS', `${prefix}${id}`, 'bd']))),
      Promise.all(ids.map(({ id }) => ctx.cmd.bytes<unknown[]>(['HMGET', `${prefix}${id}`, ...SCAN_FIELDS]))),
    ]);
    ids.forEach(({ id, score }, i) => {
      if (Number(exists[i]) !== 1) {
        ctx.stats.incr(redisStatNames.jobHashNotFound(ctx.stats.queueSeries(queue), ctx.shard, priority, 'scan'));
        return;
      }
      jobs.push(toJobInfo(state, id, [...(fields[i] ?? []), score]));
    });
    if (seen >= limit) break;
  }
  return jobs;
}

/** `values` = al, ar, cs, ca, ua, cd, score. */
function toJobInfo(state: JobState, id: string, values: readonly unknown[]): ShardJobInfo {
  const info: ShardJobInfo = {
    localId: Number(id),
    state,
    attemptsAllowed: replyInt(values[0]),
    attemptsRemaining: replyInt(values[1]),
    customStatus: replyText(values[2]) ?? '',
    createdAtMs: replySecondsToMs(values[3]),
    updatedAtMs: replySecondsToMs(values[4]),
    runAfterMs: replySecondsToMs(values[6]),
  };
  const claim = replyText(values[5]);
  if (claim !== undefined) info.claimDescriptor = claim;
  return info;
}

/**
 * Dry-run dequeue (FACTS §6.4): the first `limit` pending ids with score <= now, lowest first (as
 * ZRANGEBYSCORE ... LIMIT 0 limit, read in pages of at most ID_PAGE_SIZE), one pipelined HMGET
 * per id. An id whose hash has no body (evicted) is skipped.
 */
export async function peekPending(cmd: ShardCommands, pending: string, hashPrefix: string, nowText: string, limit: number): Promise<ShardJob[]> {
  const jobs: ShardJob[] = [];
  let seen = 0;
  for await (const page of scoreRangePages(cmd, pending, { min: '-inf', max: nowText }, 'asc', Math.min(limit, ID_PAGE_SIZE))) {
    const ids = page.slice(0, limit - seen);
    seen += ids.length;
    const hashes = await Promise.all(ids.map(({ id }) => cmd.bytes<unknown[]>(['HMGET', `${hashPrefix}${id}`, 'bd', 'al', 'ar', 'ca', 'ua'])));
    ids.forEach(({ id }, i) => {
      const h = hashes[i] ?? [];
      const body = replyBuffer(h[0]);
      if (body === undefined) return;
      jobs.push({
        localId: Number(id),
        body,
        attemptsAllowed: replyInt(h[1]),
        attemptsRemaining: replyInt(h[2]),
        createdAtMs: replySecondsToMs(h[3]),
        updatedAtMs: replySecondsToMs(h[4]),
      });
    });
    if (seen >= limit) break;
  }
  return jobs;
}
