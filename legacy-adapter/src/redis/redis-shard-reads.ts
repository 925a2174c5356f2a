import type { ShardJobInfo } from '../../../core/src/interfaces/shard-store';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { JobInfo } from '../../../core/src/types/job';
import { ALL_JOB_STATES, type JobState } from '../../../core/src/types/job-state';
import { jobHashPrefix, stateZsetKey } from './keys';
import { hashFromReply, replyBuffer, replyInt, replySecondsToMs, replyText } from './redis-job-codec';
import { REDIS_STATS } from './redis-stat-names';
import type { ShardCommands } from './shard-commands';

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
    ctx.stats.incr(REDIS_STATS.jobHashNotFound(queue, ctx.shard, priority, 'lookup'));
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
function scoreRange(nowText: string, future: boolean): { min: string; max: string } {
  return future ? { min: nowText, max: '+inf' } : { min: '-inf', max: nowText };
}

/** ZCOUNT, or the Lua-pattern script for any non-null regex (even ""). No cap. */
export async function countJobs(
  ctx: ShardReadContext,
  queue: string,
  priority: number,
  state: JobState,
  future: boolean,
  bodyRegex: string | undefined,
): Promise<number> {
  const key = stateZsetKey(ctx.shard, queue, priority, state);
  const { min, max } = scoreRange(ctx.nowText, future);
  const n =
    bodyRegex === undefined
      ? await ctx.cmd.text<number>(['ZCOUNT', key, min, max])
      : await ctx.cmd.script<number>('count-jobs-match-body', [key, jobHashPrefix(ctx.shard, queue)], [min, max, bodyRegex]);
  return Number(n);
}

/** Values per job in the scan-jobs-match-body reply: id, al, ar, cs, ca, ua, cd, score. */
const SCAN_MATCH_FIELDS = 8;

/** Up to `limit` jobs, highest score first (FACTS §6.4 Scan). */
export async function scanJobs(
  ctx: ShardReadContext,
  queue: string,
  priority: number,
  state: JobState,
  future: boolean,
  limit: number,
  bodyRegex: string | undefined,
): Promise<ShardJobInfo[]> {
  return bodyRegex === undefined
    ? scanPlain(ctx, queue, priority, state, future, limit)
    : scanMatching(ctx, queue, priority, state, future, limit, bodyRegex);
}

async function scanPlain(ctx: ShardReadContext, queue: string, priority: number, state: JobState, future: boolean, limit: number): Promise<ShardJobInfo[]> {
  const key = stateZsetKey(ctx.shard, queue, priority, state);
  const { min, max } = scoreRange(ctx.nowText, future);
  const flat = await ctx.cmd.text<string[]>(['ZREVRANGEBYSCORE', key, max, min, 'WITHSCORES', 'LIMIT', '0', String(limit)]);
  const ids = flat.filter((_, i) => i % 2 === 0);
  const prefix = jobHashPrefix(ctx.shard, queue);
  const hashes = await Promise.all(ids.map((id) => ctx.cmd.bytes<unknown>(['HGETALL', `${prefix}${id}`])));
  const jobs: ShardJobInfo[] = [];
  ids.forEach((id, i) => {
    const h = hashFromReply(hashes[i]);
    if (!h.has('bd')) {
      ctx.stats.incr(REDIS_STATS.jobHashNotFound(queue, ctx.shard, priority, 'scan'));
      return;
    }
    jobs.push(toJobInfo(state, id, [h.get('al'), h.get('ar'), h.get('cs'), h.get('ca'), h.get('ua'), h.get('cd'), flat[2 * i + 1]]));
  });
  return jobs;
}

async function scanMatching(
  ctx: ShardReadContext,
  queue: string,
  priority: number,
  state: JobState,
  future: boolean,
  limit: number,
  pattern: string,
): Promise<ShardJobInfo[]> {
  const key = stateZsetKey(ctx.shard, queue, priority, state);
  const { min, max } = scoreRange(ctx.nowText, future);
  const flat = await ctx.cmd.script<unknown[]>('scan-jobs-match-body', [key, jobHashPrefix(ctx.shard, queue)], [max, min, String(limit), pattern]);
  const jobs: ShardJobInfo[] = [];
  for (let i = 0; i + SCAN_MATCH_FIELDS <= flat.length; i += SCAN_MATCH_FIELDS) {
    jobs.push(toJobInfo(state, replyText(flat[i]) ?? '', flat.slice(i + 1, i + SCAN_MATCH_FIELDS)));
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
