import { replyBuffer } from '../redis-job-codec';
import { ID_PAGE_SIZE, firstPageSize } from '../redis-batch-limits';
import type { ShardCommands } from '../shard-commands';
import { scoreRangePages, type ScoreRange } from '../zset-pages';
import { fetchBodyBatches } from './body-batches';
import type { BodyFilter } from './body-filter';

/** Hash fields a scan reports, after `bd`. */
const SCAN_FIELDS = ['al', 'ar', 'cs', 'ca', 'ua', 'cd'];

/** A matching job: its id and the values al, ar, cs, ca, ua, cd, score (SCAN_JOBS_MATCH_BODY's order). */
export interface MatchedScanJob {
  id: string;
  values: unknown[];
}

/**
 * PinLater's SCAN_JOBS_MATCH_BODY (FACTS §6.4) with the match in the gateway: the ids of `zset`
 * with a score in `range`, highest first, until `limit` bodies matched or the range ends. Fields
 * are read with the body (one HMGET), so a reported job is consistent with the body that
 * matched. No body after the `limit`-th match is examined, as in the script.
 */
export async function scanMatchingJobs(
  cmd: ShardCommands,
  zset: string,
  hashPrefix: string,
  range: ScoreRange,
  limit: number,
  filter: BodyFilter,
): Promise<MatchedScanJob[]> {
  const found: MatchedScanJob[] = [];
  for await (const page of scoreRangePages(cmd, zset, range, 'desc', firstPageSize(limit), ID_PAGE_SIZE)) {
    for await (const batch of fetchBodyBatches(cmd, hashPrefix, page, SCAN_FIELDS)) {
      for (const { item, fields } of batch) {
        const body = replyBuffer(fields[0]);
        if (body !== undefined && filter.matches(body)) {
          found.push({ id: item.id, values: [...fields.slice(1), item.score] });
          if (found.length >= limit) return found;
        }
        if (filter.yieldDue()) await filter.yieldNow();
      }
    }
  }
  return found;
}
