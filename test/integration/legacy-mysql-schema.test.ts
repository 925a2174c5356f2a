/**
 * Legacy MySQL layout: databases, tables and the exact CREATE TABLE (FACTS §5.2, §5.3, §5.5
 * "Create queue" / "Delete queue", §3.1 QUEUE_NAME_TOO_LONG).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
import { ErrorCode } from '../../core/src/errors/error-code';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import { loadSql } from '../../legacy-adapter/src/mysql/sql-loader';
import { uniqueMysqlInstanceId } from '../support/namespaces';
import { assertNoLeaks } from '../support/leak-check';
import { dropInstanceDatabases, mysqlTestSettings, rawConnection, selectRows, startMysqlBackend, type MysqlBackendHarness } from './legacy-mysql-fixtures';

/** PinLater's CREATE_JOBS_TABLE as its MySQLQueries builds it (FACTS §5.3), for a side-by-side table. */
const PINLATER_LITERAL_DDL =
  'CREATE TABLE %s' +
  '( local_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT' +
  ', state TINYINT NOT NULL' +
  ', claim_descriptor VARCHAR(200)' +
  ', attempts_allowed INT' +
  ', attempts_remaining INT NOT NULL' +
  ', custom_status VARCHAR(5000)' +
  ', updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP' +
  ', created_at TIMESTAMP NOT NULL' +
  ', run_after TIMESTAMP NOT NULL' +
  ', body BLOB NOT NULL' +
  ', PRIMARY KEY (local_id), INDEX (state, run_after), INDEX (claim_descriptor)' +
  ' ) ENGINE=INNODB';

const SNAPSHOT = readFileSync(join(__dirname, '../../legacy-adapter/src/mysql/schema-snapshot.sql'), 'utf8')
  .split('\n')
  .filter((line) => !line.startsWith('--'))
  .join('\n')
  .trim();

function normalise(createTable: string, table: string): string {
  return createTable
    .replace(`CREATE TABLE \`${table}\``, 'CREATE TABLE `jobs_p1`')
    .replace(/ AUTO_INCREMENT=\d+/, '')
    .replace(/ DEFAULT CHARSET=\w+( COLLATE=\w+)?/, '')
    .trim();
}

async function showCreate(conn: Connection, db: string, table: string): Promise<string> {
  const [row] = await selectRows(conn, `SHOW CREATE TABLE ${db}.${table}`);
  return normalise(String(row?.['Create Table']), table);
}

describe('legacy MySQL schema', () => {
  let h: MysqlBackendHarness;
  let raw: Connection;
  const id = uniqueMysqlInstanceId();

  beforeAll(async () => {
    h = await startMysqlBackend({ instances: [{ id }], settings: mysqlTestSettings({}, { numDbPerQueue: 2 }) });
    raw = await rawConnection();
  });
  afterAll(async () => {
    await dropInstanceDatabases([id]);
    await raw.end();
    await h.close();
  });
  afterAll(() => assertNoLeaks());

  it('creates plq_<shard>_<queue> with jobs_p1..N on every logical shard', async () => {
    await h.backend.createQueue('schema_q');
    for (const shard of [`${id}`, `${id}d1`]) {
      const tables = await selectRows(raw, `SHOW TABLES FROM plq_${shard}_schema_q`);
      expect(tables.map((r) => Object.values(r)[0]).sort()).toEqual(['jobs_p1', 'jobs_p2', 'jobs_p3']);
    }
  });

  it('matches the committed SHOW CREATE TABLE snapshot for every priority', async () => {
    expect(SNAPSHOT).toContain('CREATE TABLE `jobs_p1`');
    for (const table of ['jobs_p1', 'jobs_p2', 'jobs_p3']) {
      expect(await showCreate(raw, `plq_${id}_schema_q`, table)).toBe(SNAPSHOT);
    }
  });

  it("is identical to a table made by PinLater's literal DDL", async () => {
    const db = `plq_${id}d9_literal`;
    await raw.query(`CREATE DATABASE ${db}`);
    await raw.query(PINLATER_LITERAL_DDL.replace('%s', `${db}.jobs_p1`));
    expect(await showCreate(raw, db, 'jobs_p1')).toBe(await showCreate(raw, `plq_${id}_schema_q`, 'jobs_p1'));
    const ours = loadSql('create-jobs-table');
    expect(ours.replace(/\s+/g, '')).toBe(PINLATER_LITERAL_DDL.replace(/\s+/g, '').replace('%s', '{{table}}'));
  });

  it('skips a shard whose database already exists, without creating its tables (error 1007)', async () => {
    await raw.query(`CREATE DATABASE plq_${id}_pre_existing`);
    await h.backend.createQueue('pre_existing');
    expect(await selectRows(raw, `SHOW TABLES FROM plq_${id}_pre_existing`)).toEqual([]);
    expect((await selectRows(raw, `SHOW TABLES FROM plq_${id}d1_pre_existing`)).length).toBe(3);
  });

  it("maps MariaDB's 1102 to QUEUE_NAME_TOO_LONG with PinLater's message, leaving earlier shards created", async () => {
    const fits = 64 - `plq_${id}_`.length; // fits shard <id>, two characters too long for <id>d1
    const queue = 'q'.repeat(fits);
    const error = await h.backend.createQueue(queue).catch((e: unknown) => e);
    expect(PinLaterError.is(error, ErrorCode.QUEUE_NAME_TOO_LONG)).toBe(true);
    expect((error as Error).message).toBe(
      `Queue name is too long by 2 characters. Attempted to create queue DB 'plq_${id}d1_${queue}'` +
        " but it's longer than maximum allowed 64 characters.",
    );
    expect((await selectRows(raw, `SHOW TABLES FROM plq_${id}_${queue}`)).length).toBe(3);
  });

  it('lists queues from the catalog and survives a malformed plq database', async () => {
    await raw.query(`CREATE DATABASE plq${id}`); // no second "_" token: PinLater's listing throws
    const names = await h.backend.getQueueNames();
    expect(names).toEqual(expect.any(Set));
    expect([...names].sort()).toEqual(expect.arrayContaining(['pre_existing', 'schema_q']));
    const report = await h.backend.runMonitorOnce();
    expect(report.skippedShards).toEqual([]);
    await raw.query(`DROP DATABASE plq${id}`);
  });

  it('drops the databases of a queue on every shard, and ignores missing ones', async () => {
    await h.backend.deleteQueue('schema_q');
    await h.backend.deleteQueue('never_created');
    const left = await selectRows(raw, 'SHOW DATABASES LIKE ?', [`plq\\_${id}%schema\\_q`]);
    expect(left).toEqual([]);
    expect(await h.backend.getQueueNames()).not.toContain('schema_q');
  });
});
