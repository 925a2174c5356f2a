import { createHash } from 'node:crypto';

/**
 * What identifies an applied migration: the sha256 of its statements as they run (comments
 * stripped, whitespace normalized: core/src/sql/sql-text.ts), joined by `;\n`. A comment or
 * layout fix in a migration file keeps its checksum; a changed statement changes it, and the
 * migrator refuses a database that applied the old statements.
 */
export function statementsChecksum(statements: readonly string[]): string {
  return createHash('sha256').update(statements.join(';\n')).digest('hex');
}

/**
 * Checksums recorded before the migrator checksummed statements: the sha256 of the whole file as
 * applied (comments included), with the statements checksum of that same file. Such a row stands
 * for a migration exactly when the file's statements are still those statements, so old databases
 * stay valid after a comment fix and still fail on a statement change. Append-only; the file as
 * applied is kept in test/integration/fixtures/pacer-migrations-as-applied/ and the integration
 * test pacer-migrator.test.ts checks each entry against it.
 */
export const WHOLE_FILE_CHECKSUMS: ReadonlyMap<string, { readonly version: number; readonly statements: string }> = new Map([
  ['5b73509fbc3ca12882d2f37977e2492bb2148fb4a5c99f711d463792f8309467', { version: 1, statements: '06013f0919d9c69fccd168772bee5d3d814b123853454b578e5358b78a999f6f' }],
]);

/** Whether the checksum recorded for `version` stands for a migration whose statements checksum is `checksum`. */
export function recordedChecksumMatches(version: number, checksum: string, recorded: string): boolean {
  if (recorded === checksum) return true;
  const legacy = WHOLE_FILE_CHECKSUMS.get(recorded);
  return legacy !== undefined && legacy.version === version && legacy.statements === checksum;
}
