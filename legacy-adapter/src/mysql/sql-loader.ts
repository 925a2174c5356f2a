import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Loads the statements in `./sql/*.sql` (one statement or fragment per file, header comment block
 * first). `--` comment lines are dropped and the rest is joined into one line. Identifiers cannot be
 * bound as parameters, so `{{name}}` slots are filled by `render` with names from `tables.ts` only.
 */
export type SqlName =
  | 'create-database' | 'create-jobs-table' | 'drop-database' | 'list-databases' | 'set-session-time-zone'
  | 'enqueue' | 'dequeue-claim' | 'dequeue-select-claimed' | 'dequeue-peek'
  | 'ack-succeeded' | 'ack-failed-done' | 'ack-failed-retry'
  | 'checkpoint-header' | 'checkpoint-set-body' | 'checkpoint-reset-attempts' | 'checkpoint-prepend-status'
  | 'checkpoint-reset-claim' | 'checkpoint-footer'
  | 'lookup' | 'lookup-with-body' | 'body-regex-clause' | 'count-current' | 'count-future'
  | 'scan-current' | 'scan-future' | 'retry-failed' | 'delete-jobs'
  | 'monitor-timeout-done' | 'monitor-timeout-retry' | 'monitor-gc' | 'export-page' | 'import-job'
  | 'server-version' | 'time-limit-mariadb' | 'time-limit-mysql' | 'delete-jobs-select-ids' | 'delete-jobs-by-ids';

const SQL_DIR = join(__dirname, 'sql');
const cache = new Map<SqlName, string>();

/** The statement text without its header, whitespace-normalised. */
export function loadSql(name: SqlName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = stripComments(readFileSync(join(SQL_DIR, `${name}.sql`), 'utf8'));
    cache.set(name, text);
  }
  return text;
}

/** Fills `{{slot}}`s; a slot without a value is an error (a typo must not reach MySQL). */
export function renderSql(name: SqlName, slots: Record<string, string> = {}): string {
  return fillSlots(loadSql(name), slots);
}

export function fillSlots(text: string, slots: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_m, slot: string) => {
    const value = slots[slot];
    if (value === undefined) throw new Error(`SQL slot {{${slot}}} has no value`);
    return value;
  });
}

export function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
}
