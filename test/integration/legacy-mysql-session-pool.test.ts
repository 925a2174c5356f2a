/**
 * The legacy adapter's mysql2 pool (legacy-adapter/src/mysql/mysql-session-pool.ts) on real
 * MariaDB: it does not capture a stack trace per query (`trace: false`, a cost on every
 * statement), and a failed statement's error still names the code that awaited it
 * (awaited-stack.ts) while keeping the driver's MySQL fields, which classify it.
 */
import type { Pool } from 'mysql2/promise';
import { classifyMysqlError, toStoreError } from '../../legacy-adapter/src/mysql/mysql-errors';
import { SessionPool, type SqlSession } from '../../legacy-adapter/src/mysql/mysql-session-pool';
import { assertNoLeaks } from '../support/leak-check';
import { poolConnectionConfig } from '../support/mysql';
import { testEnv } from '../support/test-env';

let pool: SessionPool;

beforeEach(() => {
  pool = new SessionPool(testEnv().mysql, { connectionLimit: 2, queryTimeoutMs: 5000, acquireTimeoutMs: 5000, connectTimeoutMs: 5000 }, { nowMs: () => Date.now() }, () => 0);
});
afterEach(() => pool.close());
afterAll(assertNoLeaks);

/** The mysql2 pool inside a SessionPool. */
function mysql2Pool(p: SessionPool): Pool {
  return (p as unknown as { pool: Pool }).pool;
}

// Callers await the statement, as the shard store's operations do.
async function readFromMissingTable(s: SqlSession): Promise<unknown> {
  const rows = await s.select('SELECT id FROM plq_0_no_such_queue.jobs_p1 WHERE id = ?', [1]);
  return rows;
}

async function writeToMissingTable(s: SqlSession): Promise<unknown> {
  const header = await s.run('UPDATE plq_0_no_such_queue.jobs_p1 SET state = ? WHERE id = ?', [2, 1]);
  return header;
}

it('does not capture a stack trace per query', () => {
  expect(poolConnectionConfig(mysql2Pool(pool)).trace).toBe(false);
});

it.each([
  ['select', readFromMissingTable, 'readFromMissingTable'],
  ['run', writeToMissingTable, 'writeToMissingTable'],
])('a failed statement through %s keeps its MySQL fields and its stack names the caller', async (_name, statement, caller) => {
  const err = await pool.withSession((s) => statement(s)).then(() => undefined, (e: unknown) => e);
  expect(err).toMatchObject({ errno: 1146, code: 'ER_NO_SUCH_TABLE' });
  expect(classifyMysqlError(err)).toBe('queue-not-found');
  const stack = String((err as Error).stack);
  expect(stack.split('\n')[0]).toContain("doesn't exist");
  expect(stack).toContain(caller);
  // The driver's own frames follow (where the server's answer was parsed).
  expect(stack).toMatch(/node_modules\/mysql2\//);
  expect(toStoreError(err, 'no_such_queue').message).toBe('Queue not found: no_such_queue');
});
