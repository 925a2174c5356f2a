import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { stripComments } from './sql-loader';
import { quoteIdentifier, TABLES } from './tables';

const MIGRATIONS_TABLE = quoteIdentifier(TABLES.migrations);

/** `pacer/migrations/`. */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

export interface Migration {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

/** The numbered files `NNNN_name.sql`, in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        checksum: createHash('sha256').update(text).digest('hex'),
        statements: stripComments(text).split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter((s) => s.length > 0),
      };
    });
}

/**
 * Applies pending migrations, one transaction per file with its `schema_migrations` row, under a
 * named lock so concurrent migrators serialize. An applied file whose checksum changed is an error.
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
    const [lock] = await conn.query<RowDataPacket[]>("SELECT GET_LOCK('pacer_migrate', 60) AS ok");
    if (Number(lock[0]?.ok) !== 1) throw new Error('Could not take the pacer_migrate lock');
    try {
      return await applyPending(conn, migrations);
    } catch (e) {
      throw ACCESS_DENIED_ERRNOS.has(Number((e as { errno?: unknown }).errno)) ? notMigrator(pending, e) : e;
    } finally {
      await conn.query("SELECT RELEASE_LOCK('pacer_migrate')");
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
    [rows] = await pool.query<RowDataPacket[]>(`SELECT version, checksum FROM ${MIGRATIONS_TABLE}`);
  } catch (e) {
    if (Number((e as { errno?: unknown }).errno) === ER_NO_SUCH_TABLE) return migrations;
    throw e;
  }
  const applied = new Map(rows.map((r) => [Number(r.version), String(r.checksum)]));
  for (const m of migrations) {
    const checksum = applied.get(m.version);
    if (checksum !== undefined && checksum !== m.checksum) throw new Error(`Migration ${m.name} was changed after it was applied`);
  }
  return migrations.filter((m) => !applied.has(m.version));
}

function notMigrator(pending: Migration[], cause: unknown): Error {
  return new Error(
    `Pacer schema needs ${pending.map((m) => m.name).join(', ')}, and this MySQL account may not change the schema: ` +
      'apply them as the migrator account (npx tsx pacer/src/migrate.ts --database <db> --user <migrator>)',
    { cause },
  );
}

async function applyPending(conn: PoolConnection, migrations: Migration[]): Promise<string[]> {
  await conn.query(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL, ` +
      'checksum CHAR(64) NOT NULL, applied_at_ms BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
  );
  const [rows] = await conn.query<RowDataPacket[]>(`SELECT version, checksum FROM ${MIGRATIONS_TABLE}`);
  const applied = new Map(rows.map((r) => [Number(r.version), String(r.checksum)]));
  const done: string[] = [];
  for (const m of migrations) {
    const checksum = applied.get(m.version);
    if (checksum !== undefined) {
      if (checksum !== m.checksum) throw new Error(`Migration ${m.name} was changed after it was applied`);
      continue;
    }
    await conn.query('START TRANSACTION');
    try {
      for (const statement of m.statements) await conn.query(statement);
      await conn.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum, applied_at_ms) VALUES (?, ?, ?, ?)`, [
        m.version, m.name, m.checksum, Date.now(),
      ]);
      await conn.query('COMMIT');
    } catch (e) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
    done.push(m.name);
  }
  return done;
}
