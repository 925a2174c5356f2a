import type { ShardCommands } from './shard-commands';

/** A ZSET member and its score as Redis's text (`%.17g`, parses back to the stored double). */
export interface ScoredId {
  id: string;
  score: string;
}

/** An inclusive score range in ZRANGEBYSCORE syntax: "-inf", "+inf" or a number's text. */
export interface ScoreRange {
  min: string;
  max: string;
}

/**
 * The members of `key` whose score is in `range`, in pages of `firstPageSize` growing fourfold up
 * to `maxPageSize` (a caller that may stop early reads little; a long walk takes few round trips),
 * lowest score first (`asc`, ZRANGEBYSCORE's order) or highest first (`desc`, ZREVRANGEBYSCORE's order).
 * Pages by rank (ZRANGE/ZREVRANGE start stop WITHSCORES, O(log N + page)) from the first rank in
 * the range, rather than by LIMIT offset, whose cost grows with the offset. Ends after a short
 * page or at the first score outside the range. Not a snapshot: ids added or removed between
 * pages shift the ranks, as with any paging.
 */
export async function* scoreRangePages(
  cmd: ShardCommands,
  key: string,
  range: ScoreRange,
  order: 'asc' | 'desc',
  firstPageSize: number,
  maxPageSize: number = firstPageSize,
): AsyncGenerator<ScoredId[]> {
  let pageSize = firstPageSize;
  const asc = order === 'asc';
  const [low, high] = [scoreValue(range.min), scoreValue(range.max)];
  let rank = await firstRank(cmd, key, range, asc);
  for (;;) {
    const flat = await cmd.text<string[]>([asc ? 'ZRANGE' : 'ZREVRANGE', key, String(rank), String(rank + pageSize - 1), 'WITHSCORES']);
    const page: ScoredId[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const score = flat[i + 1] as string;
      const value = Number(score);
      if (asc ? value > high : value < low) {
        if (page.length > 0) yield page;
        return;
      }
      page.push({ id: flat[i] as string, score });
    }
    if (page.length > 0) yield page;
    if (flat.length / 2 < pageSize) return;
    rank += pageSize;
    pageSize = Math.min(pageSize * 4, maxPageSize);
  }
}

/** Rank of the first member in range: the number of members before it in that order. */
async function firstRank(cmd: ShardCommands, key: string, range: ScoreRange, asc: boolean): Promise<number> {
  if (asc) return range.min === '-inf' ? 0 : Number(await cmd.text<number>(['ZCOUNT', key, '-inf', `(${range.min}`]));
  return range.max === '+inf' ? 0 : Number(await cmd.text<number>(['ZCOUNT', key, `(${range.max}`, '+inf']));
}

function scoreValue(text: string): number {
  if (text === '+inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}
