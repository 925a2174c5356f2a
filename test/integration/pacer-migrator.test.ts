/**
 * Pacer's migrator against real MariaDB: an applied migration is identified by its statements
 * (pacer/src/datastore/migration-checksum.ts), so a comment fix in pacer/migrations/*.sql keeps
 * every database valid, including databases whose row the old migrator wrote with the whole
 * file's sha256, while a changed statement is still refused.
 *
 * `fixtures/pacer-migrations-as-applied/` holds 0001_initial.sql byte for byte as databases applied
 * it before the comment fix (and before statement checksums).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { createMysqlPool } from '../../pacer/src/datastore/mysql-pool';
import { loadMigrations, migrate, MIGRATIONS_DIR, pendingMigrations } from '../../pacer/src/datastore/migrator';
import { WHOLE_FILE_CHECKSUMS } from '../../pacer/src/datastore/migration-checksum';
import { freshDatabase, type FreshDatabase } from '../support/namespaces';
import { assertNoLeaks } from '../support/leak-check';
import { testEnv } from '../support/test-env';

const AS_APPLIED_DIR = join(__dirname, 'fixtures', 'pacer-migrations-as-applied');
const FILE = '0001_initial.sql';
const asApplied = readFileSync(join(AS_APPLIED_DIR, FILE), 'utf8');
const current = readFileSync(join(MIGRATIONS_DIR, FILE), 'utf8');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const databases: FreshDatabase[] = [];
const pools: Pool[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const pool of pools) await pool.end();
  for (const db of databases) await db.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterAll(() => assertNoLeaks());

async function freshPool(): Promise<Pool> {
  const db = await freshDatabase('pacer_mig');
  databases.push(db);
  const { host, port, user, password } = testEnv().mysql;
  const pool = createMysqlPool({ host, port, user, password, database: db.name, connectionLimit: 2, connectTimeoutMs: 5000 });
  pools.push(pool);
  return pool;
}

/** A migrations folder holding `text` as 0001_initial.sql. */
function migrationsDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pacer-migrations-'));
  dirs.push(dir);
  writeFileSync(join(dir, FILE), text);
  return dir;
}

/** A database that applied the as-applied file under the old migrator: its row holds the file's sha256. */
async function migratedByOldScheme(): Promise<Pool> {
  const pool = await freshPool();
  expect(await migrate(pool, AS_APPLIED_DIR)).toEqual(['0001_initial']);
  await pool.query('UPDATE schema_migrations SET checksum = ? WHERE version = 1', [sha256(asApplied)]);
  return pool;
}

async function recordedChecksum(pool: Pool): Promise<string> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT checksum FROM schema_migrations WHERE version = 1');
  return String(rows[0]?.checksum);
}

const statementChange = (text: string): string => text.replace('default_attempts_allowed INT NOT NULL DEFAULT 2', 'default_attempts_allowed INT NOT NULL DEFAULT 3');

describe('Pacer migrator checksums (statements, not comments)', () => {
  it('the fixed 0001 differs from the applied one in comments only, and the known-good list names the applied file', () => {
    expect(current).not.toBe(asApplied);
    const [migration] = loadMigrations();
    expect(WHOLE_FILE_CHECKSUMS.get(sha256(asApplied))).toEqual({ version: 1, statements: migration?.checksum });
    expect(loadMigrations(AS_APPLIED_DIR)[0]?.checksum).toBe(migration?.checksum);
  });

  it('a migrations folder with no migration is a broken install, never "up to date"', () => {
    const empty = mkdtempSync(join(tmpdir(), 'pacer-migrations-empty-'));
    try {
      expect(() => loadMigrations(empty)).toThrow(/no Pacer migrations .* found in .*: the install is incomplete/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('a database migrated by the old whole-file scheme is accepted after the comment-only change (and gets the later migrations)', async () => {
    const pool = await migratedByOldScheme();
    expect((await pendingMigrations(pool, loadMigrations())).map((m) => m.name)).toEqual(['0002_migration', '0003_claim_leases', '0004_settled_descriptors']);
    expect(await migrate(pool)).toEqual(['0002_migration', '0003_claim_leases', '0004_settled_descriptors']);
    expect(await migrate(pool)).toEqual([]);
    expect(await recordedChecksum(pool)).toBe(sha256(asApplied)); // accepted as recorded, never rewritten
  });

  it('a database migrated by the old scheme still refuses a changed statement', async () => {
    const pool = await migratedByOldScheme();
    const changed = migrationsDir(statementChange(current));
    await expect(pendingMigrations(pool, loadMigrations(changed))).rejects.toThrow('Migration 0001_initial was changed after it was applied');
    await expect(migrate(pool, changed)).rejects.toThrow('Migration 0001_initial was changed after it was applied');
  });

  it('an old-scheme row whose whole-file checksum is not a known one is refused', async () => {
    const pool = await migratedByOldScheme();
    await pool.query('UPDATE schema_migrations SET checksum = ? WHERE version = 1', [sha256(`${asApplied}\n-- edited before it was applied\n`)]);
    await expect(migrate(pool)).rejects.toThrow('Migration 0001_initial was changed after it was applied');
  });

  it('a new database records the statements checksum; comment and layout edits pass, statement edits are refused', async () => {
    const pool = await freshPool();
    expect(await migrate(pool)).toEqual(['0001_initial', '0002_migration', '0003_claim_leases', '0004_settled_descriptors']);
    expect(await recordedChecksum(pool)).toBe(loadMigrations()[0]?.checksum);
    expect(await recordedChecksum(pool)).not.toBe(sha256(current));
    const recommented = migrationsDir(`-- a new header line\n${current.replace(/\n\n/g, '\n\n\n').replace(/ {2}/g, '\t')}`);
    expect(await migrate(pool, recommented)).toEqual([]);
    await expect(migrate(pool, migrationsDir(statementChange(current)))).rejects.toThrow('Migration 0001_initial was changed after it was applied');
  });
});
