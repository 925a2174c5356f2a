import type { ShardJob } from '../../../core/src/interfaces/shard-store';
import { SCRIPT_CHUNK_IDS } from './redis-batch-limits';
import { replyBuffer, replyId, replyInt, replySecondsToMs } from './redis-job-codec';
import type { ShardCommands } from './shard-commands';

/**
 * Calls `call(n)` with n = min(remaining, SCRIPT_CHUNK_IDS) until `limit` ids were processed or a
 * call processed fewer than it was given (the set ran dry); returns the total. For scripts that
 * take the first n ids of a set (retry-jobs, delete-jobs): the same ids, in the same order, as one
 * call with the whole limit, without one call blocking Redis for the whole limit.
 */
export async function inChunks(limit: number, call: (n: number) => Promise<number>): Promise<number> {
  let total = 0;
  while (total < limit) {
    const n = Math.min(limit - total, SCRIPT_CHUNK_IDS);
    const done = await call(n);
    total += done;
    if (done < n) break;
  }
  return total;
}

/** Values per job in the dequeue-jobs reply, after its leading count: id, bd, al, ar, ca, ua. */
const DEQUEUE_FIELDS = 6;

/**
 * DEQUEUE_JOBS for `limit` ids as calls of at most SCRIPT_CHUNK_IDS, all with the same claim time:
 * the chunks take the lowest-score eligible ids in order, as one call would. An id whose hash was
 * evicted counts toward the limit without being returned, as in PinLater.
 */
export async function dequeueInChunks(
  cmd: ShardCommands,
  keys: readonly [pending: string, inProgress: string, hashPrefix: string],
  nowText: string,
  limit: number,
  claimDescriptor: string,
): Promise<ShardJob[]> {
  const jobs: ShardJob[] = [];
  await inChunks(limit, async (n) => {
    const flat = await cmd.script<unknown[]>('dequeue-jobs', keys, [nowText, String(n), claimDescriptor]);
    for (let i = 1; i + DEQUEUE_FIELDS <= flat.length; i += DEQUEUE_FIELDS) jobs.push(dequeuedJob(flat, i));
    return replyInt(flat[0]);
  });
  return jobs;
}

function dequeuedJob(flat: readonly unknown[], i: number): ShardJob {
  return {
    localId: replyId(flat[i]),
    body: replyBuffer(flat[i + 1]) ?? Buffer.alloc(0),
    attemptsAllowed: replyInt(flat[i + 2]),
    attemptsRemaining: replyInt(flat[i + 3]),
    createdAtMs: replySecondsToMs(flat[i + 4]),
    updatedAtMs: replySecondsToMs(flat[i + 5]),
  };
}
