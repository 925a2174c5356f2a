import type { ShardPortableJob } from '../../../core/src/interfaces/shard-store';
import type { PortableJob } from '../../../core/src/types/job';
import { ALL_JOB_STATES, isJobState, type JobState } from '../../../core/src/types/job-state';
import { javaSeconds } from '../../../core/src/util/java-format';
import { JobHashField, jobHashPrefix, jobIdCounterKey, stagedZsetKey, stateZsetKey, takenZsetKey } from './keys';
import { BODY_BATCH_BYTES, SCRIPT_CHUNK_IDS } from './redis-batch-limits';
import { hashFromReply, javaUtf8Text, replyBuffer, replyInt, replyText } from './redis-job-codec';
import { portableJobFromHash } from './redis-portable-job';
import type { ShardCommands } from './shard-commands';

/**
 * The exactly-once move primitives of one Redis shard (docs/migration.md "Exactly once",
 * core/src/interfaces/shard-store.ts), each change one Lua script of `lua/`: take moves ids from
 * `_s<state>` to `_t<state>` (no server serves, counts, times out or GCs them there), stage writes
 * copies whose ids sit in `_g<state>` tagged with `mv`, publish moves them into `_s<state>`,
 * finish and discard delete. Every script acts only on ids still in the expected set, so each call
 * is idempotent. Calls carry at most SCRIPT_CHUNK_IDS ids; larger requests loop.
 */

/** Values per job in the take-for-move and list-taken-jobs replies, after the leading count. */
const TAKEN_VALUES = 9;
/** The hash fields those replies carry after (id, score), in order; the last is the claim. */
const TAKEN_FIELDS = [
  JobHashField.BODY,
  JobHashField.ATTEMPTS_ALLOWED,
  JobHashField.ATTEMPTS_REMAINING,
  JobHashField.CUSTOM_STATUS,
  JobHashField.CREATED_AT,
  JobHashField.UPDATED_AT,
  JobHashField.CLAIM_DESCRIPTOR,
] as const;

function jobsFromReply(flat: readonly unknown[], priority: number, state: JobState): ShardPortableJob[] {
  const jobs: ShardPortableJob[] = [];
  for (let i = 1; i + TAKEN_VALUES <= flat.length; i += TAKEN_VALUES) {
    const hash = new Map<string, Buffer>();
    TAKEN_FIELDS.forEach((field, f) => {
      const value = replyBuffer(flat[i + 2 + f]);
      if (value !== undefined) hash.set(field, value);
    });
    const job = portableJobFromHash(Number(replyText(flat[i])), priority, state, flat[i + 1], hash);
    if (job !== undefined) jobs.push(job);
  }
  return jobs;
}

function stateKeys(cmd: ShardCommands, queue: string, priority: number, key: typeof stateZsetKey): string[] {
  return ALL_JOB_STATES.map((state) => key(cmd.shard, queue, priority, state));
}

function checkState(state: number): JobState {
  if (!isJobState(state)) throw new Error(`not a job state: ${state}`);
  return state;
}

/** Splits `items` into consecutive chunks of at most `max` items and `maxBytes` (at least one item each). */
function chunks<T>(items: readonly T[], max: number, maxBytes = Number.POSITIVE_INFINITY, bytes: (item: T) => number = () => 0): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const b = bytes(item);
    if (current.length > 0 && (current.length >= max || size + b > maxBytes)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += b;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Runs `call` per chunk of ids and sums the counts. */
async function summedOverChunks(ids: readonly number[], call: (chunk: string[]) => Promise<unknown>): Promise<number> {
  let total = 0;
  for (const chunk of chunks(ids, SCRIPT_CHUNK_IDS)) total += Number(await call(chunk.map(String)));
  return total;
}

/** take-for-move until `limit` jobs are taken or the state set ran dry (evicted ids are dropped, not counted). */
export async function takeJobsForMove(cmd: ShardCommands, queue: string, priority: number, state: JobState, limit: number): Promise<ShardPortableJob[]> {
  const keys = [stateZsetKey(cmd.shard, queue, priority, checkState(state)), takenZsetKey(cmd.shard, queue, priority, state), jobHashPrefix(cmd.shard, queue)];
  const jobs: ShardPortableJob[] = [];
  while (jobs.length < limit) {
    const n = Math.min(limit - jobs.length, SCRIPT_CHUNK_IDS);
    const flat = await cmd.script<unknown[]>('take-for-move', keys, [String(n)]);
    jobs.push(...jobsFromReply(flat, priority, state));
    if (replyInt(flat[0]) < n) break;
  }
  return jobs;
}

/**
 * Pages of a set of one move per state (taken or staged), read by rank until `limit` results or
 * every set is read: `page` returns how many ids it read and what it made of them.
 */
async function pagesOfStates<T>(limit: number, page: (state: JobState, first: number, count: number) => Promise<{ read: number; items: T[] }>): Promise<T[]> {
  const out: T[] = [];
  for (const state of ALL_JOB_STATES) {
    let first = 0;
    while (out.length < limit) {
      const count = Math.min(limit - out.length, SCRIPT_CHUNK_IDS);
      const { read, items } = await page(state, first, count);
      out.push(...items);
      first += read;
      if (read < count) break;
    }
  }
  return out;
}

export function listTakenJobs(cmd: ShardCommands, queue: string, priority: number, limit: number): Promise<ShardPortableJob[]> {
  const prefix = jobHashPrefix(cmd.shard, queue);
  return pagesOfStates(limit, async (state, first, count) => {
    const flat = await cmd.script<unknown[]>('list-taken-jobs', [takenZsetKey(cmd.shard, queue, priority, state), prefix], [String(first), String(count)]);
    return { read: replyInt(flat[0]), items: jobsFromReply(flat, priority, state) };
  });
}

export function finishMovedJobs(cmd: ShardCommands, queue: string, priority: number, localIds: readonly number[]): Promise<number> {
  const keys = [...stateKeys(cmd, queue, priority, takenZsetKey), jobHashPrefix(cmd.shard, queue)];
  return summedOverChunks(localIds, (ids) => cmd.script<number>('delete-moved-jobs', keys, ids));
}

export function restoreMovedJobs(cmd: ShardCommands, queue: string, priority: number, localIds: readonly number[]): Promise<number> {
  const keys = [...stateKeys(cmd, queue, priority, takenZsetKey), ...stateKeys(cmd, queue, priority, stateZsetKey), jobHashPrefix(cmd.shard, queue)];
  return summedOverChunks(localIds, (ids) => cmd.script<number>('restore-moved-jobs', keys, ids));
}

/**
 * stage-moved-jobs in chunks (at most SCRIPT_CHUNK_IDS jobs and about BODY_BATCH_BYTES of bodies
 * per call), then each copy read back as stored (HGETALL, and its score in the staged set).
 */
export async function stageMovedJobs(cmd: ShardCommands, queue: string, priority: number, jobs: readonly PortableJob[]): Promise<ShardPortableJob[]> {
  for (const job of jobs) {
    checkState(job.state);
    if (job.priority !== priority) throw new Error(`stageMoved of priority ${priority} got a job of priority ${job.priority}`);
  }
  const prefix = jobHashPrefix(cmd.shard, queue);
  const keys = [jobIdCounterKey(cmd.shard, queue), prefix, ...stateKeys(cmd, queue, priority, stagedZsetKey)];
  const ids: number[] = [];
  for (const chunk of chunks(jobs, SCRIPT_CHUNK_IDS, BODY_BATCH_BYTES, (job) => job.body.length)) {
    const args = chunk.flatMap((job) => [
      String(job.state),
      job.body,
      String(job.attemptsAllowed),
      String(job.attemptsRemaining),
      javaSeconds(job.createdAtMs),
      javaSeconds(job.updatedAtMs),
      javaUtf8Text(job.customStatus),
      javaSeconds(job.runAfterMs),
      javaUtf8Text(job.sourceDescriptor),
    ]);
    const reply = await cmd.script<unknown[]>('stage-moved-jobs', keys, args);
    ids.push(...reply.map((id) => Number(replyText(id))));
  }
  return Promise.all(ids.map((id, i) => readStaged(cmd, queue, priority, (jobs[i] as PortableJob).state, id)));
}

async function readStaged(cmd: ShardCommands, queue: string, priority: number, state: JobState, localId: number): Promise<ShardPortableJob> {
  const [hash, score] = await Promise.all([
    cmd.bytes<unknown>(['HGETALL', `${jobHashPrefix(cmd.shard, queue)}${localId}`]),
    cmd.text<string | null>(['ZSCORE', stagedZsetKey(cmd.shard, queue, priority, state), String(localId)]),
  ]);
  const job = score === null ? undefined : portableJobFromHash(localId, priority, state, score, hashFromReply(hash));
  if (job === undefined) throw new Error(`staged job ${queue}:s${cmd.shard}:p${priority}:${localId} vanished before it was read back`);
  return job;
}

export function listStagedJobs(cmd: ShardCommands, queue: string, priority: number, limit: number): Promise<Array<{ localId: number; sourceDescriptor: string }>> {
  const prefix = jobHashPrefix(cmd.shard, queue);
  return pagesOfStates(limit, async (state, first, count) => {
    const flat = await cmd.script<unknown[]>('list-staged-jobs', [stagedZsetKey(cmd.shard, queue, priority, state), prefix], [String(first), String(count)]);
    const items: Array<{ localId: number; sourceDescriptor: string }> = [];
    for (let i = 1; i + 2 <= flat.length; i += 2) items.push({ localId: Number(replyText(flat[i])), sourceDescriptor: replyText(flat[i + 1]) ?? '' });
    return { read: replyInt(flat[0]), items };
  });
}

export async function publishStagedJobs(
  cmd: ShardCommands,
  queue: string,
  priority: number,
  items: ReadonlyArray<{ localId: number; claimDescriptor?: string }>,
): Promise<number> {
  const keys = [...stateKeys(cmd, queue, priority, stagedZsetKey), ...stateKeys(cmd, queue, priority, stateZsetKey), jobHashPrefix(cmd.shard, queue)];
  let total = 0;
  for (const chunk of chunks(items, SCRIPT_CHUNK_IDS)) {
    const args = chunk.flatMap((item) =>
      item.claimDescriptor === undefined ? [String(item.localId), '0', ''] : [String(item.localId), '1', javaUtf8Text(item.claimDescriptor)],
    );
    total += Number(await cmd.script<number>('publish-staged-jobs', keys, args));
  }
  return total;
}

export function discardStagedJobs(cmd: ShardCommands, queue: string, priority: number, localIds: readonly number[]): Promise<number> {
  const keys = [...stateKeys(cmd, queue, priority, stagedZsetKey), jobHashPrefix(cmd.shard, queue)];
  return summedOverChunks(localIds, (ids) => cmd.script<number>('delete-moved-jobs', keys, ids));
}
