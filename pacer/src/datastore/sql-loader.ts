import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Names of the statement files in `pacer/src/datastore/sql/` (each has a header: params, result). */
export type SqlName =
  | 'queue-insert' | 'partition-owners-insert' | 'queue-select' | 'queue-list' | 'queue-delete-jobs'
  | 'queue-delete-owners' | 'queue-delete' | 'jobs-insert' | 'ready-ids' | 'pending-by-ids'
  | 'next-run-after' | 'owner-guard' | 'owner-lock' | 'owner-set' | 'owner-select-all' | 'claim-jobs'
  | 'claimed-ids' | 'ack-succeeded' | 'ack-failed-done' | 'ack-failed-retry' | 'checkpoint-job'
  | 'lookup-jobs' | 'count-jobs' | 'scan-jobs' | 'retry-failed' | 'delete-jobs' | 'export-jobs'
  | 'monitor-timeout-done' | 'monitor-timeout-retry' | 'monitor-gc' | 'dry-run';

const cache = new Map<SqlName, string>();

/** The statement text of `sql/<name>.sql` without its comment header, read once. */
export function sql(name: SqlName): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const text = stripComments(readFileSync(join(__dirname, 'sql', `${name}.sql`), 'utf8'));
  cache.set(name, text);
  return text;
}

export function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .trim();
}
