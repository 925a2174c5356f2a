/**
 * Pacer's mysql2 pool (pacer/src/datastore/mysql-pool.ts) on real MariaDB: it does not capture a
 * stack trace per query (`trace: false`, a cost on every statement), and a failed statement's
 * error still names the code that ran it, through the PinLater error selectRows/execute wrap it in.
 */
import type { Pool } from 'mysql2/promise';
import { createMysqlPool, execute, selectRows } from '../../pacer/src/datastore/mysql-pool';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import { assertNoLeaks } from '../support/leak-check';
import { poolConnectionConfig } from '../support/mysql';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';

let fx: PacerDb;
let pool: Pool;

beforeEach(async () => {
  fx = await freshPacerDb();
  pool = createMysqlPool({ ...fx.mysql, connectionLimit: 2, connectTimeoutMs: 5000 });
});
afterEach(async () => {
  await pool.end();
  await fx.db.drop();
});
afterAll(assertNoLeaks);

// Callers await the statement, as the datastore's functions do (a `return` of the bare promise
// leaves no frame of the caller once it has returned).
async function readFromMissingTable(p: Pool): Promise<unknown> {
  const rows = await selectRows(p, 'SELECT id FROM no_such_table WHERE id = ?', [1]);
  return rows;
}

async function writeToMissingTable(p: Pool): Promise<unknown> {
  const header = await execute(p, 'UPDATE no_such_table SET id = ? WHERE id = ?', [2, 1]);
  return header;
}

it('does not capture a stack trace per query', () => {
  expect(poolConnectionConfig(pool).trace).toBe(false);
});

it.each([
  ['selectRows', readFromMissingTable, 'readFromMissingTable'],
  ['execute', writeToMissingTable, 'writeToMissingTable'],
])('a failed statement through %s is a PinLater error whose stack names its caller', async (_name, run, caller) => {
  const err = await run(pool).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PinLaterError);
  expect((err as Error).message).toContain('ER_NO_SUCH_TABLE');
  expect((err as Error).stack).toContain(caller);
});
