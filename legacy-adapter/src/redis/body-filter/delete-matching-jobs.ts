import { createHash } from 'node:crypto';
import { ID_PAGE_SIZE, firstPageSize } from '../redis-batch-limits';
import { replyBuffer } from '../redis-job-codec';
import type { ShardCommands } from '../shard-commands';
import { fetchBodyBatches, type FetchedJob } from './body-batches';
import type { BodyFilter } from './body-filter';
import { ScriptPages } from './script-pages';

/**
 * PinLater's DELETE_JOBS_MATCH_BODY (FACTS §6.4) with the match in the gateway. The script reads
 * pages of `limit` ids (`ZRANGE start start+limit-1`, lowest score first), deletes each matching id
 * at once, returns when `limit` were deleted, and starts the next page at start + limit of the set
 * as it is after the removals, so as many ids as the page removed are skipped (PinLater's quirk,
 * kept: `ScriptPages` replays it); it stops after a short page. Here ids are read in chunks of at
 * most ID_PAGE_SIZE that may span several such pages, bodies in bounded batches, and the matches
 * of a batch are removed by `lua/delete-matched-jobs.lua` only if the id is still in the set with
 * the body that matched (another client may have changed it meanwhile). Not atomic as a whole: a
 * concurrent writer can see part of the deletion, as between two PinLater calls.
 *
 * A pattern error or an exhausted budget first removes what the batch matched so far (the script
 * had deleted those before it failed), then throws.
 */
export async function deleteMatchingJobs(cmd: ShardCommands, zset: string, hashPrefix: string, limit: number, filter: BodyFilter): Promise<number> {
  const pages = new ScriptPages(limit);
  let deleted = 0;
  let readAt = 0;
  for (let size = firstPageSize(limit); ; size = Math.min(size * 4, ID_PAGE_SIZE)) {
    const ids = await cmd.text<string[]>(['ZRANGE', zset, String(readAt), String(readAt + size - 1)]);
    let removedInChunk = 0;
    for await (const batch of fetchBodyBatches(cmd, hashPrefix, ids.map((id) => ({ id })), [])) {
      const outcome = await deleteBatchMatches(cmd, zset, hashPrefix, batch, filter, pages, limit - deleted);
      removedInChunk += outcome.removed;
      deleted += outcome.removed;
      if (outcome.error !== undefined) throw outcome.error;
      if (outcome.reachedLimit) return deleted;
    }
    if (ids.length < size) return deleted;
    readAt += ids.length - removedInChunk;
  }
}

interface BatchOutcome {
  removed: number;
  /** `wanted` bodies matched: the script would have returned here. */
  reachedLimit: boolean;
  error?: unknown;
}

async function deleteBatchMatches(
  cmd: ShardCommands,
  zset: string,
  hashPrefix: string,
  batch: Array<FetchedJob<{ id: string }>>,
  filter: BodyFilter,
  pages: ScriptPages,
  wanted: number,
): Promise<BatchOutcome> {
  const args: string[] = [];
  let error: unknown;
  try {
    for (const { item, fields } of batch) {
      if (args.length / 2 >= wanted) break;
      if (!pages.examines()) continue;
      const body = replyBuffer(fields[0]);
      const matched = body !== undefined && filter.matches(body);
      if (matched) args.push(item.id, createHash('sha1').update(body).digest('hex'));
      pages.examined(matched);
      if (filter.yieldDue()) await filter.yieldNow();
    }
  } catch (e) {
    error = e;
  }
  const removed = args.length === 0 ? 0 : Number(await cmd.script<number>('delete-matched-jobs', [zset, hashPrefix], args));
  return { removed, reachedLimit: args.length / 2 >= wanted, ...(error !== undefined ? { error } : {}) };
}
