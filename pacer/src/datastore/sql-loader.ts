import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Names of the statement files in `pacer/src/datastore/sql/` (each has a header: params, result). */
export type SqlName =
  | 'queue-insert' | 'partition-owners-insert' | 'queue-select' | 'queue-list' | 'queue-delete-jobs'
  | 'queue-delete-owners' | 'queue-delete' | 'jobs-insert' | 'ready-ids' | 'pending-by-ids'
  | 'next-run-after' | 'pending-since' | 'owner-guard' | 'owner-lock' | 'owner-set' | 'owner-select-all' | 'owner-select'
  | 'claim-jobs' | 'claim-descriptor-case' | 'claim-readback' | 'ack-succeeded' | 'ack-failed-done' | 'ack-failed-retry' | 'checkpoint-job'
  | 'lookup-jobs' | 'count-jobs' | 'scan-jobs' | 'retry-failed' | 'delete-jobs' | 'export-jobs'
  | 'monitor-timeout-done' | 'monitor-timeout-retry' | 'monitor-gc' | 'dry-run'
  | 'queue-lock-partitions' | 'queue-set-partitions'
  | 'server-version' | 'time-limit-mariadb' | 'time-limit-mysql' | 'delete-jobs-select-ids' | 'delete-jobs-by-ids';

const cache = new Map<SqlName, string>();

/** The statement text of `sql/<name>.sql` without its comment header, read once. */
export function sql(name: SqlName): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const text = stripComments(readFileSync(join(__dirname, 'sql', `${name}.sql`), 'utf8'));
  cache.set(name, text);
  return text;
}

/**
 * A statement with `{{slot}}`s filled (fragments built from other statement files, never from
 * request data); a slot without a value is an error, so a typo cannot reach MySQL.
 */
export function sqlWithSlots(name: SqlName, slots: Record<string, string>): string {
  return sql(name).replace(/\{\{(\w+)\}\}/g, (_m, slot: string) => {
    const value = slots[slot];
    if (value === undefined) throw new Error(`SQL slot {{${slot}}} of ${name} has no value`);
    return value;
  });
}

export function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .trim();
}
