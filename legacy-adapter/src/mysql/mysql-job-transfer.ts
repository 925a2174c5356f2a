import type { ShardPortableJob } from '../../../core/src/interfaces/shard-store';
import type { PortableJob } from '../../../core/src/types/job';
import type { JobState } from '../../../core/src/types/job-state';
import { toPortableJob } from './mysql-row-mapping';
import type { SqlSession } from './mysql-session-pool';
import { renderSql } from './sql-loader';

/**
 * Bulk export/import of one shard for the migration copier (not PinLater operations). Export pages
 * through one (table, state) by local_id; the cursor is the last local_id returned, in decimal.
 * Import inserts every job with its given state, attempts, times, status and claim, in one
 * transaction, and returns the new local ids in input order.
 */
export async function exportPage(
  s: SqlSession,
  table: string,
  priority: number,
  state: JobState,
  cursor: string | undefined,
  limit: number,
): Promise<{ jobs: ShardPortableJob[]; nextCursor?: string }> {
  const after = parseCursor(cursor);
  const rows = await s.select(renderSql('export-page', { table }), [state, after, limit]);
  const jobs = rows.map((r) => toPortableJob(r, s, priority));
  const last = jobs[jobs.length - 1];
  return last !== undefined && jobs.length >= limit ? { jobs, nextCursor: String(last.localId) } : { jobs };
}

export async function importJobs(s: SqlSession, tableOf: (priority: number) => string, jobs: PortableJob[]): Promise<number[]> {
  return s.transaction(async () => {
    const ids: number[] = [];
    for (const job of jobs) ids.push(await insertJobRow(s, tableOf(job.priority), job, job.state, job.claimDescriptor ?? null));
    return ids;
  });
}

/**
 * Inserts one job with all its metadata (import-job.sql), with the state and claim column values
 * given (a staged move stores its own, mysql-job-mover.ts); returns the new local id.
 */
export async function insertJobRow(
  s: SqlSession,
  table: string,
  job: Omit<PortableJob, 'sourceDescriptor' | 'queue' | 'state' | 'claimDescriptor'>,
  storedState: number,
  storedClaim: string | null,
): Promise<number> {
  const values = [
    storedState,
    storedClaim,
    job.attemptsAllowed,
    job.attemptsRemaining,
    job.customStatus,
    s.timestamp(job.updatedAtMs),
    s.timestamp(job.createdAtMs),
    s.timestamp(job.runAfterMs),
    job.body,
  ];
  const header = await s.run(renderSql('import-job', { table }), values);
  return Number(header.insertId);
}

function parseCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  if (!/^\d+$/.test(cursor)) throw new Error(`Invalid export cursor: ${cursor}`);
  return Number(cursor);
}
