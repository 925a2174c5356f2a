import { replyBuffer } from '../redis-job-codec';
import { ID_PAGE_SIZE } from '../redis-batch-limits';
import type { ShardCommands } from '../shard-commands';
import { scoreRangePages, type ScoreRange } from '../zset-pages';
import { fetchBodyBatches } from './body-batches';
import type { BodyFilter } from './body-filter';

/**
 * PinLater's COUNT_JOBS_MATCH_BODY (FACTS §6.4) with the match in the gateway: the ids of `zset`
 * with a score in `range`, lowest first, counted when their body matches. An id whose hash or
 * body is missing is not counted (PinLater's script errors there). Bodies are matched in the
 * script's order, so a pattern error surfaces at the same body.
 */
export async function countMatchingJobs(cmd: ShardCommands, zset: string, hashPrefix: string, range: ScoreRange, filter: BodyFilter): Promise<number> {
  let count = 0;
  for await (const page of scoreRangePages(cmd, zset, range, 'asc', ID_PAGE_SIZE)) {
    for await (const batch of fetchBodyBatches(cmd, hashPrefix, page, [])) {
      for (const { fields } of batch) {
        const body = replyBuffer(fields[0]);
        if (body !== undefined && filter.matches(body)) count++;
        if (filter.yieldDue()) await filter.yieldNow();
      }
    }
  }
  return count;
}
