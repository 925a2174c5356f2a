/** A queue census (job-census.ts) as a text table: one row per priority, then the totals. */
import type { QueueCensus, StateCounts } from './job-census';
import { formatCount } from './migration-progress';
import { formatTable } from './output-format';

const HEADERS = ['PRIORITY', 'PENDING READY', 'PENDING FUTURE', 'IN PROGRESS', 'SUCCEEDED', 'FAILED'];

export function formatCensusTable(census: QueueCensus): string {
  const row = (label: string, c: StateCounts): string[] => [label, ...[c.pendingReady, c.pendingFuture, c.inProgress, c.succeeded, c.failed].map(formatCount)];
  return formatTable(HEADERS, [...census.byPriority.map((p) => row(String(p.priority), p)), row('total', census.totals)]);
}
