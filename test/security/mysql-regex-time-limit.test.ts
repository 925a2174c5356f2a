/**
 * Issue 8, finding 2 (MySQL and Pacer): a catastrophic body regex costs about 120 ms per row on
 * MariaDB's PCRE2 (its match limit ends each row's match, nothing ends the statement), so
 * getJobCount, scanJobs and deleteJobs with such a filter kept the database busy for minutes.
 * Under the statement time limit each answers within the limit plus slack with a clear error, and
 * the server is no longer running the statement afterwards. Measured here (2 vCPU): `(a+)+c`
 * against `a`×30 + `bc` costs 120–170 ms per row, so the rows below cost the old code well over a
 * minute of server time per call.
 */
import type { Connection } from 'mysql2/promise';
import { createPacerBackend, type PacerBackend } from '../../pacer';
import { BudgetExceededError } from '../../core/src/errors/pinlater-error';
import { ErrorCode } from '../../core/src/errors/error-code';
import { JobState } from '../../core/src/types/job-state';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { openMysql } from '../support/mysql';
import { freshPacerDb, type PacerDb } from '../integration/pacer-fixtures';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { testEnv } from '../support/test-env';
import { SessionPool, type SqlSession } from '../../legacy-adapter/src/mysql/mysql-session-pool';
import { limitedDelete } from '../../legacy-adapter/src/mysql/body-regex-statements';
import { quotedJobsTable } from '../../legacy-adapter/src/mysql/tables';
import { createMysqlPool } from '../../pacer/src/datastore/mysql-pool';
import { deleteUnderLimit } from '../../pacer/src/datastore/statement-time-limit';

const LIMIT_MS = 1000;
/** Generous: the kill lands at the next row boundary, and the machine is shared. */
const SLACK_MS = 6000;
const ROWS = 400;
const CATASTROPHIC = '(a+)+c';
const BODY = `${'a'.repeat(30)}bc`;
const PENDING = JobState.PENDING;

let admin: Connection;
beforeAll(async () => {
  admin = await openMysql();
});
afterAll(async () => {
  await admin?.end();
});
afterAll(() => assertNoLeaks());

/** Ids of statements on the server still running a body regex against `marker`'s tables. */
async function runningRegexStatements(marker: string): Promise<number[]> {
  const [rows] = await admin.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE ? AND INFO LIKE ?', [`%${marker}%`, '%REGEXP%']);
  return (rows as Array<{ id: number }>).map((r) => Number(r.id));
}

/** Ends what the old code left running, so a failing run does not burn the shared server. */
async function killRegexStatements(marker: string): Promise<void> {
  for (const id of await runningRegexStatements(marker)) await admin.query(`KILL QUERY ${Number(id)}`).catch(() => undefined);
}

/** Runs `call`, which must fail with the budget message within the limit plus slack. */
async function expectBudgetError(call: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now();
  const error = await call().then(
    (value) => new Error(`expected the time limit to end the call, got ${JSON.stringify(value)}`),
    (e: unknown) => e,
  );
  const elapsedMs = Date.now() - started;
  expect((error as Error).message).toMatch(/statement time limit/);
  expect(elapsedMs).toBeLessThan(LIMIT_MS + SLACK_MS);
  return { error, elapsedMs };
}

describe('legacy MySQL gateway: body regex under GATEWAY_BODY_REGEX_TIMEOUT_MS', () => {
  let gw: GatewayProcess;
  let client: ConformanceClient;
  const queue = 'regexq';
  let marker = '';

  beforeAll(async () => {
    gw = await startGatewayProcess({ backend: 'legacy-mysql', properties: { GATEWAY_BODY_REGEX_TIMEOUT_MS: String(LIMIT_MS) } });
    marker = `plq_${gw.mysqlInstanceId}`;
    client = await ConformanceClient.connect(gw.address);
    await client.createQueue(queue);
    for (let i = 0; i < ROWS; i += 100) await client.enqueue(queue, Array.from({ length: 100 }, () => ({ body: BODY, priority: 1 })));
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    if (marker !== '') await killRegexStatements(marker);
    await gw?.close();
  });
  afterEach(async () => {
    // Whatever happened, the server must not still be running the filter (the store would stall).
    await eventually(async () => expect(await runningRegexStatements(marker)).toEqual([]), { timeoutMs: 3000 });
  });

  it('getJobCount ends with a clear UNKNOWN error, and counts it', async () => {
    const { error } = await expectBudgetError(() => client.count({ queue, state: PENDING, priority: 1, bodyRegex: CATASTROPHIC }));
    expect((error as { errorCode?: number }).errorCode).toBe(ErrorCode.UNKNOWN);
    expect((error as Error).message).toMatch(/GATEWAY_BODY_REGEX_TIMEOUT_MS/);
    expect((error as Error).message).not.toMatch(/SELECT|plq_|jobs_p/);
    expect((await gw.stats()).get('mysql-body-regex-timeout')).toBeGreaterThanOrEqual(1);
  });

  it('scanJobs ends with the same error', async () => {
    await expectBudgetError(() => client.scan({ queue, state: PENDING, priority: 1, limit: 10, bodyRegex: CATASTROPHIC }));
  });

  it('deleteJobs ends with the same error and deletes nothing', async () => {
    await expectBudgetError(() => client.deleteJobs({ queue, state: PENDING, priority: 1, limit: ROWS, bodyRegex: CATASTROPHIC }));
    expect(await client.count({ queue, state: PENDING, priority: 1 })).toBe(ROWS);
  });

  it('a cheap regex over the same rows still answers, as PinLater does', async () => {
    expect(await client.count({ queue, state: PENDING, priority: 1, bodyRegex: 'bc$' })).toBe(ROWS);
    expect(await client.deleteJobs({ queue, state: PENDING, priority: 1, limit: 5, bodyRegex: '^a+bc' })).toBe(5);
  });

  it("MySQL's two-step delete (ids under the hint, then by id) deletes what the one statement would", async () => {
    // MariaDB reads MySQL's /*+ MAX_EXECUTION_TIME */ hint as a comment, so the MySQL path runs here unlimited.
    const { host, port, user, password } = testEnv().mysql;
    const pool = new SessionPool({ host, port, user, password }, { connectionLimit: 1, queryTimeoutMs: 30_000, acquireTimeoutMs: 5000, connectTimeoutMs: 5000 }, { nowMs: () => Date.now() }, () => 0);
    const budget = { limitMs: LIMIT_MS, clientTimeoutMs: 30_000, onExceeded: () => undefined };
    try {
      const deleted = await pool.withSession(async (session) => {
        const asMysql = Object.create(session, { flavour: { value: 'mysql' } }) as SqlSession;
        let total = 0;
        for (const shard of gw.shards) total += await limitedDelete(asMysql, quotedJobsTable(shard, queue, 1), PENDING, 'bc$', 4, budget);
        return total + (await limitedDelete(asMysql, quotedJobsTable(gw.shards[0]!, queue, 1), PENDING, 'no-such-body', 4, budget));
      });
      expect(deleted).toBe(4 * gw.shards.length);
      expect(await client.count({ queue, state: PENDING, priority: 1 })).toBe(ROWS - 5 - deleted);
    } finally {
      await pool.close();
    }
  });
});

describe('Pacer: body regex under the backend config bodyRegexTimeoutMs', () => {
  let fx: PacerDb;
  let backend: PacerBackend;
  const queue = `regexq_${Date.now().toString(36)}`;

  beforeAll(async () => {
    fx = await freshPacerDb();
    backend = await createPacerBackend({ topology: { mode: 'embedded' }, mysql: fx.mysql, bodyRegexTimeoutMs: LIMIT_MS });
    await backend.createQueue(queue);
    const jobs = Array.from({ length: ROWS }, () => ({ body: Buffer.from(BODY), priority: 1, attemptsAllowed: 1, customStatus: '' }));
    await backend.enqueueJobs({ queue, jobs });
  }, 60_000);
  afterAll(async () => {
    await killRegexStatements(queue);
    await backend?.close();
    await fx?.db.drop();
  });
  afterEach(async () => {
    await eventually(async () => expect(await runningRegexStatements(queue)).toEqual([]), { timeoutMs: 3000 });
  });

  it('getJobCount ends with BudgetExceededError (UNKNOWN)', async () => {
    const { error } = await expectBudgetError(() => backend.getJobCount({ queue, state: PENDING, future: false, bodyRegex: CATASTROPHIC }));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).code).toBe(ErrorCode.UNKNOWN);
    expect((error as Error).message).toMatch(/bodyRegexTimeoutMs/);
  });

  it('scanJobs ends with the same error', async () => {
    const { error } = await expectBudgetError(() => backend.scanJobs({ queue, state: PENDING, future: false, limit: 10, bodyRegex: CATASTROPHIC }));
    expect(error).toBeInstanceOf(BudgetExceededError);
  });

  it('deleteJobs ends with the same error and deletes nothing', async () => {
    const { error } = await expectBudgetError(() => backend.deleteJobs({ queue, state: PENDING, priority: 1, limit: ROWS, bodyRegex: CATASTROPHIC }));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(await backend.getJobCount({ queue, state: PENDING, future: false })).toBe(ROWS);
  });

  it('a cheap regex over the same rows still answers', async () => {
    expect(await backend.getJobCount({ queue, state: PENDING, future: false, bodyRegex: 'bc$' })).toBe(ROWS);
    expect(await backend.deleteJobs({ queue, state: PENDING, priority: 1, limit: 5, bodyRegex: '^a+bc' })).toBe(5);
  });

  it("MySQL's two-step delete (ids under the hint, then by id) deletes what the one statement would", async () => {
    // MariaDB reads MySQL's /*+ MAX_EXECUTION_TIME */ hint as a comment, so the MySQL path runs here unlimited.
    const pool = createMysqlPool({ ...fx.mysql, connectionLimit: 1, connectTimeoutMs: 5000 });
    try {
      const limit = { limitMs: LIMIT_MS, onExceeded: () => undefined };
      const q = { queue, state: PENDING, priority: 1, regex: 'bc$', max: 7 };
      expect(await deleteUnderLimit(pool, 'mysql', q, limit)).toBe(7);
      expect(await deleteUnderLimit(pool, 'mysql', { ...q, regex: 'no-such-body' }, limit)).toBe(0);
      expect(await backend.getJobCount({ queue, state: PENDING, future: false })).toBe(ROWS - 5 - 7);
    } finally {
      await pool.end();
    }
  });
});
