import type { JobInfo } from '../types/job';

/**
 * Merges scan results by runAfter descending and keeps the first `limit` (FACTS §3.8). The sort is
 * stable, so ties keep the order the inputs were given in.
 */
export function mergeScanResults(lists: readonly JobInfo[][], limit: number): JobInfo[] {
  return lists
    .flat()
    .sort((a, b) => (b.runAfterMs ?? 0) - (a.runAfterMs ?? 0))
    .slice(0, Math.max(limit, 0));
}
