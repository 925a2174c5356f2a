/**
 * Issue 8: error messages sent to clients never carry SQL text, table names or anything else
 * PinLater's own messages did not contain; the full detail goes to the server log. PinLater's
 * UNKNOWN messages were the JDBC exception's `toString()`: class + the server's message, e.g.
 * `Table 'plq_1_q.jobs_p9' doesn't exist`, never the statement. Live cases against MariaDB.
 */
import { MemoryStats } from '../../core/src/interfaces/stats';
import { ErrorCode } from '../../core/src/errors/error-code';
import { JobState } from '../../core/src/types/job-state';
import { SessionPool } from '../../legacy-adapter/src/mysql/mysql-session-pool';
import type { MysqlStoreError} from '../../legacy-adapter/src/mysql/mysql-errors';
import { toStoreError } from '../../legacy-adapter/src/mysql/mysql-errors';
import { createPacerBackend } from '../../pacer';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { withMysql } from '../support/mysql';
import { testEnv } from '../support/test-env';
import { freshPacerDb } from '../integration/pacer-fixtures';
import { startGatewayProcess } from './support/gateway-process';

afterAll(() => assertNoLeaks());

const MARKER = 'zq_secret_statement_text';

it('legacy MySQL: a syntax error answers with the server message minus its quote of the statement', async () => {
  const pool = new SessionPool(
    testEnv().mysql,
    { connectionLimit: 1, queryTimeoutMs: 5000, acquireTimeoutMs: 5000, connectTimeoutMs: 5000 },
    { nowMs: () => Date.now() },
    () => 0,
  );
  try {
    const failure = await pool.withSession((s) => s.select(`SELECT 1 FROM \`plq_1_q\`.\`jobs_p1\` WHERE ${MARKER} ORDER`)).catch((e: unknown) => e);
    const mapped = toStoreError(failure);
    expect(mapped.code).toBe(ErrorCode.UNKNOWN);
    expect(mapped.message).toMatch(/^com\.mysql\.jdbc\.exceptions\.jdbc4\.MySQLSyntaxErrorException: You have an error in your SQL syntax/);
    expect(mapped.message).not.toMatch(new RegExp(`${MARKER}|jobs_p1|SELECT`));
    expect((mapped as MysqlStoreError).driver?.statement).toContain(MARKER);
  } finally {
    await pool.close();
  }
});

it("legacy MySQL gateway: a missing table answers with PinLater's exact message; the log has the statement", async () => {
  const gw = await startGatewayProcess({ backend: 'legacy-mysql' });
  try {
    const client = await ConformanceClient.connect(gw.address);
    try {
      await client.createQueue('msgq');
      const failure = await client.count({ queue: 'msgq', state: JobState.PENDING, priority: 9 }).catch((e: unknown) => e);
      // The count asks every logical shard at once and, as PinLater's Future.collect, answers with
      // the first failure to arrive: the message names whichever shard's table failed first.
      const missing = gw.shards.map(
        (shard) => `com.mysql.jdbc.exceptions.jdbc4.MySQLSyntaxErrorException: Table 'plq_${shard}_msgq.jobs_p9' doesn't exist`,
      );
      expect(failure).toMatchObject({ errorCode: ErrorCode.UNKNOWN });
      expect(missing).toContain((failure as { message?: unknown }).message);
    } finally {
      await client.close();
    }
    // The full detail, statement included, is in the server log (written beside the reply).
    await eventually(() => {
      const logged = gw.logLines('request failed').map((l) => JSON.stringify(l));
      expect(logged.some((line) => line.includes('"errno":1146') && line.includes('SELECT COUNT(*)'))).toBe(true);
    });
  } finally {
    await gw.close();
  }
}, 60_000);

it('Pacer: a datastore error names the driver code only, not the table or the statement', async () => {
  const fx = await freshPacerDb();
  const backend = await createPacerBackend({ topology: { mode: 'embedded' }, mysql: fx.mysql, stats: new MemoryStats() });
  try {
    await backend.createQueue('msgq');
    await withMysql((db) => db.query('DROP TABLE jobs'), fx.mysql.database);
    const failure = await backend.getJobCount({ queue: 'msgq', state: JobState.PENDING, future: false }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: ErrorCode.UNKNOWN, message: 'Pacer datastore error ER_NO_SUCH_TABLE (1146); details are in the server log' });
    expect((failure as { driver?: { statement?: string } }).driver?.statement).toMatch(/FROM jobs/);
  } finally {
    await backend.close();
    await fx.db.drop();
  }
});
