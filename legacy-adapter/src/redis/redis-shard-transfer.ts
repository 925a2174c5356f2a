import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import type { ShardPortableJob } from '../../../core/src/interfaces/shard-store';
import type { PortableJob } from '../../../core/src/types/job';
import type { JobState } from '../../../core/src/types/job-state';
import { javaSeconds } from '../../../core/src/util/java-format';
import { jobHashPrefix, jobIdCounterKey, stateZsetKey } from './keys';
import { hashFromReply } from './redis-job-codec';
import { portableJobFromHash } from './redis-portable-job';
import type { ShardCommands } from './shard-commands';

/**
 * Bulk export/import of one shard for the migration copier. Export pages through one state ZSET
 * in (score, member) order with a cursor holding the last (score, id) seen, so jobs that move or
 * disappear between pages do not shift the pages; import writes PinLater's exact layout under
 * new local ids (import-job.lua).
 */

interface Cursor {
  /** Score text exactly as Redis printed it (round-trips the double). */
  score: string;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return `${c.score} ${c.id}`;
}

function decodeCursor(text: string): Cursor {
  const [score, id, extra] = text.split(' ');
  if (score === undefined || id === undefined || extra !== undefined || Number.isNaN(Number(score)) || !/^[0-9]+$/.test(id)) {
    throw new PinLaterError(ErrorCode.CONTINUATION_INVALID, `Invalid export cursor: ${text}`);
  }
  return { score, id };
}

/** Members with exactly the cursor's score sort by member string; take those after the cursor id. */
async function pageAfter(cmd: ShardCommands, key: string, cursor: Cursor | undefined, limit: number): Promise<[string, string][]> {
  const pairs = (flat: string[]): [string, string][] => {
    const out: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as string, flat[i + 1] as string]);
    return out;
  };
  if (cursor === undefined) {
    return pairs(await cmd.text<string[]>(['ZRANGEBYSCORE', key, '-inf', '+inf', 'WITHSCORES', 'LIMIT', '0', String(limit)]));
  }
  const ties = pairs(await cmd.text<string[]>(['ZRANGEBYSCORE', key, cursor.score, cursor.score, 'WITHSCORES'])).filter(([id]) => id > cursor.id);
  const page = ties.slice(0, limit);
  if (page.length < limit) {
    const rest = await cmd.text<string[]>(['ZRANGEBYSCORE', key, `(${cursor.score}`, '+inf', 'WITHSCORES', 'LIMIT', '0', String(limit - page.length)]);
    page.push(...pairs(rest));
  }
  return page;
}

export async function exportShardJobs(
  cmd: ShardCommands,
  queue: string,
  priority: number,
  state: JobState,
  cursorText: string | undefined,
  limit: number,
): Promise<{ jobs: ShardPortableJob[]; nextCursor?: string }> {
  if (limit <= 0) return cursorText === undefined ? { jobs: [] } : { jobs: [], nextCursor: cursorText };
  const key = stateZsetKey(cmd.shard, queue, priority, state);
  const page = await pageAfter(cmd, key, cursorText === undefined ? undefined : decodeCursor(cursorText), limit);
  const prefix = jobHashPrefix(cmd.shard, queue);
  const hashes = await Promise.all(page.map(([id]) => cmd.bytes<unknown>(['HGETALL', `${prefix}${id}`])));
  const jobs: ShardPortableJob[] = [];
  page.forEach(([id, score], i) => {
    const job = portableJobFromHash(Number(id), priority, state, score, hashFromReply(hashes[i]));
    if (job !== undefined) jobs.push(job); // evicted: nothing to move
  });
  const last = page[page.length - 1];
  if (page.length < limit || last === undefined) return { jobs };
  return { jobs, nextCursor: encodeCursor({ score: last[1], id: last[0] }) };
}

/** Writes each job under a new local id (INCR of the shard's `plj_` counter), in input order. */
export async function importShardJobs(cmd: ShardCommands, queue: string, jobs: PortableJob[]): Promise<number[]> {
  const ids: number[] = [];
  for (const job of jobs) {
    const id = await cmd.script<number>(
      'import-job',
      [jobIdCounterKey(cmd.shard, queue), jobHashPrefix(cmd.shard, queue), stateZsetKey(cmd.shard, queue, job.priority, job.state)],
      [
        job.body,
        String(job.attemptsAllowed),
        String(job.attemptsRemaining),
        javaSeconds(job.createdAtMs),
        javaSeconds(job.updatedAtMs),
        job.customStatus,
        javaSeconds(job.runAfterMs),
        job.claimDescriptor ?? '',
      ],
    );
    ids.push(Number(id));
  }
  return ids;
}
