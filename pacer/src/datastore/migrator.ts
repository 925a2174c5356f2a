import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { splitSqlStatements } from '../../../core/src/sql/sql-text';
import { recordedChecksumMatches, statementsChecksum } from './migration-checksum';
import { sql } from './sql-loader';

/** `pacer/migrations/`. */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

export interface Migration {
  version: number;
  name: string;
  /** sha256 of the statements as they run (migration-checksum.ts). */
  checksum: string;
  /** The `;`-separated statements of the file, comments stripped, whitespace normalized. */
  statements: string[];
}

/** The numbered files `NNNN_name.sql`, in order; `checksum` covers the statements only (migration-checksum.ts). */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f));
  // An empty folder is a broken install (a build that did not ship pacer/migrations), never "up to date".
  if (files.length === 0) throw new Error(`no Pacer migrations (NNNN_name.sql) found in ${dir}: the install is incomplete`);
  return files
    .sort()
    .map((file) => {
      const statements = splitSqlStatements(readFileSync(join(dir, file), 'utf8'));
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        checksum: statementsChecksum(statements),
        statements,
      };
    });
}

/**
 * Applies pending migrations, one transaction per file with its `schema_migrations` row, under a
 * named lock so concurrent migrators serialize. An applied file whose statements changed is an
 * error; comments and layout may change (migration-checksum.ts).
 * (MariaDB commits DDL implicitly: migration files use IF NOT EXISTS so a crash mid-file can re-run.)
 * An up-to-date schema is recognised with one SELECT and nothing else, so processes running as a
 * DML-only account (gateway, broker) start against a schema the migrator account has applied;
 * when something is pending and the account may not change the schema, the error says so.
 */
export async function migrate(pool: Pool, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = loadMigrations(dir);
  const pending = await pendingMigrations(pool, migrations);
  if (pending.length === 0) return [];
  const conn = await pool.getConnection();
  try {
    const [lock] = await conn.query<RowDataPacket[]>(sql('migrate-lock'));
    if (Number(lock[0]?.ok) !== 1) throw new Error('Could not take the pacer_migrate lock');
    try {
      return await applyPending(conn, migrations);
    } catch (e) {
      throw ACCESS_DENIED_ERRNOS.has(Number((e as { errno?: unknown }).errno)) ? notMigrator(pending, e) : e;
    } finally {
      await conn.query(sql('migrate-unlock'));
    }
  } finally {
    conn.release();
  }
}

/** ER_DBACCESS_DENIED_ERROR, ER_TABLEACCESS_DENIED_ERROR. */
const ACCESS_DENIED_ERRNOS: ReadonlySet<number> = new Set([1044, 1142]);
const ER_NO_SUCH_TABLE = 1146;

/** Migrations not applied yet, read with one SELECT (any account with SELECT may ask). */
export async function pendingMigrations(pool: Pool, migrations: Migration[]): Promise<Migration[]> {
  let rows: RowDataPacket[];
  try {
    [rows] = await pool.query<RowDataPacket[]>(sql('migrations-select'));
  } catch (e) {
    if (Number((e as { errno?: unknown }).errno) === ER_NO_SUCH_TABLE) return migrations;
    throw e;
  }
  const applied = appliedChecksums(rows, migrations);
  return migrations.filter((m) => !applied.has(m.version));
}

/**
 * version → recorded checksum of the applied migrations; throws when an applied migration's
 * statements are no longer those it was applied with.
 */
function appliedChecksums(rows: RowDataPacket[], migrations: Migration[]): Map<number, string> {
  const applied = new Map(rows.map((r) => [Number(r.version), String(r.checksum)]));
  for (const m of migrations) {
    const recorded = applied.get(m.version);
    if (recorded !== undefined && !recordedChecksumMatches(m.version, m.checksum, recorded)) {
      throw new Error(`Migration ${m.name} was changed after it was applied`);
    }
  }
  return applied;
}

function notMigrator(pending: Migration[], cause: unknown): Error {
  return new Error(
    `Pacer schema needs ${pending.map((m) => m.name).join(', ')}, and this MySQL account may not change the schema: ` +
      'apply them as the migrator account (npx tsx pacer/src/migrate.ts --database <db> --user <migrator>)',
    { cause },
  );
}

async function applyPending(conn: PoolConnection, migrations: Migration[]): Promise<string[]> {
  await conn.query(sql('migrations-create-table'));
  const [rows] = await conn.query<RowDataPacket[]>(sql('migrations-select'));
  const applied = appliedChecksums(rows, migrations);
  const done: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    await conn.query('START TRANSACTION');
    try {
      for (const statement of m.statements) await conn.query(statement);
      await conn.query(sql('migrations-insert'), [m.version, m.name, m.checksum, Date.now()]);
      await conn.query('COMMIT');
    } catch (e) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
    done.push(m.name);
  }
  return done;
}
