/**
 * core/src/sql/mysql-retry.ts against a real InnoDB deadlock on MariaDB: the transaction InnoDB
 * rolls back as the victim is run again, after a pause, and then commits.
 *
 * The deadlock is built, not raced: the holder locks row 1 and modifies many rows (InnoDB rolls back
 * the transaction that modified fewer, so the operation under test is the victim), the operation
 * locks row 2, the holder then waits for row 2 (seen in the process list), and the operation asks
 * for row 1.
 *
 * Staging the deadlock happens inside the first attempt (the victim must hold row 2 in the
 * transaction that deadlocks), and on a busy server it has taken over ten seconds for the holder to
 * reach its lock wait. The retry's time budget (MYSQL_RETRY_MAX_ELAPSED_MS, the wait a client would
 * see; its own spec is mysql-retry.spec.ts) then ran out before the deadlock, and the victim was
 * not run again (a CI failure). The test's clock leaves that staging time out, so the budget counts
 * only what a client of the operation would wait.
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { withMysqlRetries } from '../../core/src/sql/mysql-retry';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { openMysql } from '../support/mysql';
import { freshDatabase, type FreshDatabase } from '../support/namespaces';

let db: FreshDatabase;
let holder: Connection;
let victim: Connection;
let admin: Connection;

beforeAll(async () => {
  db = await freshDatabase('mysql_retry');
  admin = await openMysql(db.name);
  await admin.query('CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB');
  await admin.query('CREATE TABLE filler (id INT PRIMARY KEY) ENGINE=InnoDB');
  await admin.query('INSERT INTO t VALUES (1, 0), (2, 0)');
  holder = await openMysql(db.name);
  victim = await openMysql(db.name);
});
afterAll(async () => {
  await holder?.end();
  await victim?.end();
  await admin?.end();
  await db?.drop();
});
afterAll(() => assertNoLeaks());

async function connectionId(c: Connection): Promise<number> {
  const [rows] = await c.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
  return Number(rows[0]?.id);
}

describe('MySQL lock-conflict retries (core/src/sql/mysql-retry.ts)', () => {
  it('runs a deadlock victim again after a pause, and it then commits', async () => {
    const holderId = await connectionId(holder);
    await holder.query('START TRANSACTION');
    await holder.query('UPDATE t SET v = v + 10 WHERE id = 1');
    await holder.query('INSERT INTO filler VALUES ?', [Array.from({ length: 50 }, (_v, i) => [i])]);
    let holderDone: Promise<unknown> | undefined;
    let attempts = 0;
    const retries: Array<{ errno: unknown; delayMs: number }> = [];
    let stagingMs = 0;
    const clientClock = { nowMs: () => Date.now() - stagingMs };

    const transfer = async (): Promise<void> => {
      attempts += 1;
      await victim.query('START TRANSACTION');
      try {
        await victim.query('UPDATE t SET v = v + 1 WHERE id = 2');
        if (attempts === 1) {
          let holderFailed: unknown;
          holderDone = holder.query('UPDATE t SET v = v + 10 WHERE id = 2').then(() => holder.query('COMMIT'), (e: unknown) => {
            holderFailed = e;
            throw e;
          });
          // A condition, not a delay: on a server busy with other work the holder's statement can take
          // seconds to reach its lock wait (seen past eventually's default 5 s with a benchmark running).
          const stagingStarted = Date.now();
          await eventually(async () => {
            // The holder's statement ended instead of waiting (seen once in a fresh-clone run, cause
            // unknown): the timeout's report then says what ended it.
            if (holderFailed !== undefined) throw new Error(`the holder's UPDATE failed instead of waiting: ${String(holderFailed)}`);
            const [rows] = await admin.query<RowDataPacket[]>('SELECT 1 FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ? AND trx_state = ?', [holderId, 'LOCK WAIT']);
            expect(rows.length).toBe(1);
          }, { timeoutMs: 30_000 });
          stagingMs = Date.now() - stagingStarted;
        }
        await victim.query('UPDATE t SET v = v + 1 WHERE id = 1');
        await victim.query('COMMIT');
      } catch (e) {
        await victim.query('ROLLBACK');
        throw e;
      }
    };

    try {
      await withMysqlRetries(transfer, {
        clock: clientClock,
        onRetry: (e, _n, delayMs) => retries.push({ errno: (e as { errno?: unknown }).errno, delayMs }),
      });
    } finally {
      // The holder commits once the victim rolls back; waiting for it here (pass or fail) keeps its
      // COMMIT from racing afterAll's end() and reporting a second, misleading error.
      await holderDone?.catch(() => undefined);
    }
    await holderDone;

    expect(attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.errno).toBe(1213);
    expect(retries[0]?.delayMs).toBeGreaterThan(0);
    const [rows] = await admin.query<RowDataPacket[]>('SELECT id, v FROM t ORDER BY id');
    expect(rows.map((r) => [Number(r.id), Number(r.v)])).toEqual([[1, 11], [2, 11]]);
  });
});
