import { join } from 'node:path';
import { createSqlLoader } from '../../../core/src/sql/sql-loader';

/**
 * The legacy MySQL statements: `./sql/*.sql` (one statement or fragment per file, header comment
 * block first), read by the one SQL loader (core/src/sql/sql-loader.ts). Identifiers cannot be
 * bound as parameters, so `{{name}}` slots are filled by `renderSql` with names from `tables.ts`
 * only (a legacy table name depends on the shard, queue and priority of each call).
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
  | 'delete-jobs-select-ids' | 'delete-jobs-by-ids'
  | 'move-select-ids' | 'move-lock-rows' | 'move-shift-state' | 'move-list-rows' | 'move-list-tags'
  | 'move-publish' | 'move-delete';

const statements = createSqlLoader<SqlName>(join(__dirname, 'sql'));

/** The statement text, comments dropped and whitespace normalized, slots unfilled (read once). */
export function loadSql(name: SqlName): string {
  return statements.load(name);
}

/** Fills `{{slot}}`s; a slot without a value is an error (a typo must not reach MySQL). */
export function renderSql(name: SqlName, slots: Record<string, string> = {}): string {
  return statements.render(name, slots);
}
