import { join } from 'node:path';
import { createSqlLoader } from '../../../core/src/sql/sql-loader';
import { TABLES } from './tables';

/**
 * Pacer's statements: the files in `pacer/src/datastore/sql/` (each has a header: params, result),
 * read by the one SQL loader (core/src/sql/sql-loader.ts). Table names come from tables.ts through
 * the `{{<table>}}` slots.
 */
export type SqlName =
  | 'queue-insert' | 'partition-owners-insert' | 'queue-select' | 'queue-list' | 'queue-partition-counts' | 'queue-delete-jobs'
  | 'queue-delete-owners' | 'queue-delete-leases' | 'queue-delete' | 'jobs-insert' | 'ready-ids' | 'pending-by-ids'
  | 'next-run-after' | 'pending-since' | 'owner-guard' | 'owner-lock' | 'owner-set' | 'owner-select-all' | 'owner-select'
  | 'claim-jobs' | 'claim-descriptor-case' | 'claim-readback'
  | 'claim-leases-insert' | 'claim-lease-row' | 'claim-leases-written' | 'claim-leases-live' | 'claim-leases-delete'
  | 'ack-succeeded' | 'ack-failed-done' | 'ack-failed-retry' | 'checkpoint-job'
  // lease mode (issue 15): the claim and the acks of lease-claimed jobs
  | 'lease-claim' | 'lease-claim-select' | 'lease-ack-succeeded' | 'lease-ack-failed-done' | 'lease-ack-failed-retry' | 'lease-ack-case'
  | 'lease-ack-succeeded-rows' | 'lease-ack-failed-done-rows' | 'lease-ack-failed-retry-rows'
  | 'lease-settled-check'
  | 'lease-checkpoint-match' | 'lease-checkpoint' | 'lease-of-jobs'
  | 'lookup-jobs' | 'count-jobs' | 'scan-jobs' | 'retry-failed' | 'delete-jobs' | 'export-jobs'
  | 'monitor-timeout-done' | 'monitor-timeout-retry' | 'monitor-gc' | 'dry-run'
  // claim leases in the monitor and at takeover (issue 15, lease-settlement.ts): lease timeouts, open jobs
  | 'lease-timeout-expired' | 'lease-timeout-open' | 'lease-timeout-done' | 'lease-timeout-retry' | 'lease-timeout-delete'
  | 'lease-open-jobs'
  | 'queue-lock-partitions' | 'queue-set-partitions'
  | 'delete-jobs-select-ids' | 'delete-jobs-by-ids'
  // claim leases on the read and admin paths (issue 15): THE RULE's fragment, the dequeue router's ready probe
  | 'leased-jobs' | 'ready-probe'
  // lease acks leave the claim descriptor to the lease (migration 0004, settled-descriptors.ts)
  | 'settled-descriptor' | 'settled-descriptors-copy' | 'settled-descriptors-floor' | 'settled-descriptors-gc'
  | 'queue-delete-settled-descriptors'
  | 'migrations-create-table' | 'migrations-select' | 'migrations-insert' | 'migrate-lock' | 'migrate-unlock'
  // the migration copier: moves inside `jobs` (job mover), the ledger, the per-queue work state
  | 'move-take-candidates' | 'move-take-lock' | 'move-take' | 'move-list' | 'move-delete' | 'move-restore'
  | 'move-publish' | 'move-pending-rows' | 'move-read' | 'leased-ids'
  | 'delete-pending-candidates' | 'delete-pending-lock' | 'delete-pending-by-ids'
  | 'ledger-record' | 'ledger-targets' | 'ledger-resolve' | 'ledger-summary-page' | 'ledger-mismatches'
  | 'queue-migration-select' | 'queue-migration-lock' | 'queue-migration-list' | 'queue-migration-insert'
  | 'queue-migration-restart' | 'queue-migration-set-paused' | 'queue-migration-set-rate' | 'queue-migration-set-status'
  | 'queue-migration-lease-acquire' | 'queue-migration-lease-renew' | 'queue-migration-lease-release'
  | 'queue-migration-progress' | 'queue-migration-fence';

const statements = createSqlLoader<SqlName>(join(__dirname, 'sql'), TABLES);

/** The statement text of `sql/<name>.sql`, read once (core sql-loader.ts), table names filled in. */
export function sql(name: SqlName): string {
  return statements.load(name);
}

/**
 * A statement with its per-call `{{slot}}`s filled (fragments built from other statement files,
 * never from request data); a slot without a value is an error, so a typo cannot reach MySQL.
 */
export function sqlWithSlots(name: SqlName, slots: Record<string, string>): string {
  return statements.render(name, slots);
}
