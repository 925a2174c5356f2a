/** Every table name of Pacer's datastore, in one place (pacer/migrations/*.sql create them). */
export const TABLES = {
  migrations: 'schema_migrations',
  queues: 'queues',
  partitionOwners: 'partition_owners',
  jobs: 'jobs',
} as const;

/** Longest queue name the registry stores (`queues.name` VARCHAR(100)). */
export const MAX_QUEUE_NAME_LENGTH = 100;

/** Custom status is kept to its first 5000 characters, as PinLater's MySQL backend (FACTS §5.5). */
export const CUSTOM_STATUS_MAX_CHARS = 5000;

/** `claim_descriptor` VARCHAR(200), as PinLater's MySQL table. */
export const CLAIM_DESCRIPTOR_MAX_CHARS = 200;

/**
 * One SQL identifier for SQL text: back-quoted, a backtick inside doubled. Statements name their
 * tables literally; this is for names that come from configuration or the catalog (the database to
 * create, SHOW CREATE TABLE), which are never pasted unquoted (issue 8).
 */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
