/**
 * Every table name of Pacer's datastore, in one place. Statements (pacer/src/datastore/sql/*.sql)
 * name tables only through slots `{{<key>}}` (`{{jobs}}`, `{{partitionOwners}}`, …), which the
 * statement loader (sql-loader.ts) fills from here when it reads a file: renaming a table here
 * renames it in every statement (tables.spec.ts fails on a statement that names a table
 * literally). The names are constants and plain identifiers (tables.spec.ts checks), so they are
 * pasted as they are; names from configuration or the catalog (the database to create, SHOW CREATE
 * TABLE) go through core/src/sql/quote-identifier.ts (issue 8). Migrations (pacer/migrations/*.sql)
 * are the exception: they are history, applied once and checksummed, so they keep the names they
 * created; a rename is a new migration plus a change here.
 */
export const TABLES = {
  migrations: 'schema_migrations',
  queues: 'queues',
  partitionOwners: 'partition_owners',
  jobs: 'jobs',
  /** The migration copier's move ledger (migration 0002, src/migration-store/move-ledger-store.ts). */
  jobMoves: 'job_moves',
  /** The migration copier's per-queue work state and lease (src/migration-store/migration-state-store.ts). */
  queueMigrations: 'queue_migrations',
  /** Claim leases: one row per partition of a claim batch and claim descriptor (migration 0003, claim-leases.ts). */
  claimLeases: 'claim_leases',
  /** Claim descriptors of deleted leases, for the jobs they settled (migration 0004, settled-descriptors.ts). */
  settledDescriptors: 'settled_descriptors',
} as const;

/** Longest queue name the registry stores (`queues.name` VARCHAR(100)). */
export const MAX_QUEUE_NAME_LENGTH = 100;

/** Custom status is kept to its first 5000 characters, as PinLater's MySQL backend (FACTS §5.5). */
export const CUSTOM_STATUS_MAX_CHARS = 5000;

/** `claim_descriptor` VARCHAR(200), as PinLater's MySQL table. */
export const CLAIM_DESCRIPTOR_MAX_CHARS = 200;
