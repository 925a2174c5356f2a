/**
 * Legacy MySQL statements against the real MariaDB, checked row by row with plain SQL as a
 * PinLater server would see them (FACTS §5.5, §5.7, §11), both directions: what the gateway
 * writes is read back with SQL, and rows written with SQL the way PinLater writes them are served
 * by the gateway.
 */
import type { Connection } from 'mysql2/promise';
import { ErrorCode } from '../../core/src/errors/error-code';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import type { ShardStore } from '../../core/src/interfaces/shard-store';
import { JobState } from '../../core/src/types/job-state';
import type { NewJob } from '../../core/src/types/job';
import { uniqueMysqlInstanceId } from '../support/namespaces';
import { assertNoLeaks } from '../support/leak-check';
import { dropInstanceDatabases, mysqlTestSettings, rawConnection, selectRows, startMysqlBackend, type MysqlBackendHarness } from './legacy-mysql-fixtures';

const CLAIM = 'gw-host:9010:1700000000000:worker-7:1';
const job = (body: string, extra: Partial<NewJob> = {}): NewJob => ({ body: Buffer.from(body), priority: 1, attemptsAllowed: 3, customStatus: '', ...extra });

describe('legacy MySQL store against real MariaDB', () => {
  let h: MysqlBackendHarness;
  let raw: Connection;
  let store: ShardStore;
  const id = uniqueMysqlInstanceId();
  const db = (q: string) => `plq_${id}_${q}`;
  let seq = 0;
  /** A fresh queue per test. */
  async function queue(): Promise<string> {
    const q = `q${++seq}`;
    await h.backend.createQueue(q);
    return q;
  }
  const row = async (q: string, localId: number, p = 1) => (await selectRows(raw, `SELECT *, UNIX_TIMESTAMP(created_at) AS c, UNIX_TIMESTAMP(run_after) AS r, UNIX_TIMESTAMP(updated_at) AS u FROM ${db(q)}.jobs_p${p} WHERE local_id = ?`, [localId]))[0];

  beforeAll(async () => {
    h = await startMysqlBackend({ instances: [{ id }], settings: mysqlTestSettings({}, { countLimit: 3 }) });
    store = h.registry.current()[0]!;
    raw = await rawConnection();
  });
  afterAll(async () => {
    await dropInstanceDatabases([id]);
    await raw.end();
    await h.close();
  });
  afterAll(() => assertNoLeaks());

  describe('enqueue', () => {
    it('writes PinLater row: pending, attempts, truncated status, client-clock times in whole seconds', async () => {
      const q = await queue();
      h.clock.t = 1_800_000_000_999;
      const localId = await store.enqueue(q, job('hello', { attemptsAllowed: 4, customStatus: 's'.repeat(6000) }));
      const r = await row(q, localId);
      expect(r).toMatchObject({ state: 0, attempts_allowed: 4, attempts_remaining: 4, claim_descriptor: null, c: 1_800_000_000, r: 1_800_000_000 });
      expect(String(r?.custom_status)).toBe('s'.repeat(5000));
      expect(Buffer.from(r?.body as Buffer).toString()).toBe('hello');
      h.clock.t = Date.now();
    });

    it('stores an explicit runAfter as given (even in the past) and uses DB NOW() for eligibility', async () => {
      const q = await queue();
      const futureMs = Date.now() + 3_600_500; // one value: recomputing it later may cross a second under load
      const future = await store.enqueue(q, job('f', { runAfterMs: futureMs }));
      const past = await store.enqueue(q, job('p', { runAfterMs: 1_000_000_000_000 }));
      expect((await row(q, past))?.r).toBe(1_000_000_000);
      expect((await row(q, future))?.r).toBe(Math.floor(futureMs / 1000));
      expect(await store.count(q, 1, JobState.PENDING, false, undefined)).toBe(1);
      expect(await store.count(q, 1, JobState.PENDING, true, undefined)).toBe(1);
      // Injected clock far ahead of the database: a job without runAfter is "now" for the client, future for NOW().
      h.clock.t = Date.now() + 86_400_000;
      await store.enqueue(q, job('ahead'));
      h.clock.t = Date.now();
      expect(await store.count(q, 1, JobState.PENDING, true, undefined)).toBe(2);
    });

    it('refuses a body larger than the BLOB column instead of truncating it (deviation)', async () => {
      const q = await queue();
      const error = await store.enqueue(q, job('x'.repeat(65_536))).catch((e: unknown) => e);
      expect(PinLaterError.is(error, ErrorCode.UNKNOWN)).toBe(true);
      expect((error as Error).message).toMatch(/Data too long for column 'body'/);
      expect(await selectRows(raw, `SELECT 1 FROM ${db(q)}.jobs_p1`)).toEqual([]);
      expect(await store.enqueue(q, job('x'.repeat(65_535)))).toBeGreaterThan(0);
    });
  });

  describe('dequeue', () => {
    it('claims with UPDATE … LIMIT then reads the rows carrying the claim descriptor', async () => {
      const q = await queue();
      for (let i = 0; i < 5; i++) await store.enqueue(q, job(`b${i}`, { attemptsAllowed: 2 }));
      const got = await store.dequeue(q, 1, 3, CLAIM);
      expect(got).toHaveLength(3);
      expect(got[0]).toMatchObject({ attemptsAllowed: 2, attemptsRemaining: 2 });
      const claimed = await selectRows(raw, `SELECT local_id FROM ${db(q)}.jobs_p1 WHERE state = 1 AND claim_descriptor = ? ORDER BY local_id`, [CLAIM]);
      expect(claimed.map((r) => Number(r.local_id))).toEqual(got.map((j) => j.localId).sort((a, b) => a - b));
      expect(await store.dequeue(q, 1, 10, 'other:1:1:w:2')).toHaveLength(2);
      expect(await store.dequeue(q, 1, 10, 'other:1:1:w:3')).toEqual([]);
      expect(h.stats.metrics.get(`${q}_first_dequeue_delay_ms`)?.count).toBe(5);
      expect(h.stats.metrics.get(`${q}_dequeue_delay_ms`)?.count).toBe(5);
    });

    it('serves rows written by a PinLater server (plain SQL, JVM zone == session zone)', async () => {
      const q = await queue();
      await raw.query(
        `INSERT INTO ${db(q)}.jobs_p2 (state, attempts_allowed, attempts_remaining, custom_status, created_at, run_after, body) VALUES (0, 5, 5, 'cs', '2024-01-02 03:04:05', '2024-01-02 03:04:05', 'java')`,
      );
      const peeked = await store.peek(q, 2, 10);
      expect(peeked).toHaveLength(1);
      const [got] = await store.dequeue(q, 2, 10, CLAIM);
      expect(got).toMatchObject({ attemptsAllowed: 5, attemptsRemaining: 5, createdAtMs: Date.UTC(2024, 0, 2, 3, 4, 5) });
      expect(got?.body.toString()).toBe('java');
    });

    it('refuses a claim descriptor longer than the column before claiming anything (deviation)', async () => {
      const q = await queue();
      const localId = await store.enqueue(q, job('stays'));
      const error = await store.dequeue(q, 1, 10, `h:9010:1:${'s'.repeat(200)}:1`).catch((e: unknown) => e);
      expect(PinLaterError.is(error, ErrorCode.UNKNOWN)).toBe(true);
      expect((await row(q, localId))?.state).toBe(JobState.PENDING);
    });

    it('dry run reads without claiming', async () => {
      const q = await queue();
      await store.enqueue(q, job('peek'));
      expect(await store.peek(q, 1, 5)).toHaveLength(1);
      expect(await store.count(q, 1, JobState.PENDING, false, undefined)).toBe(1);
    });
  });

  describe('acks', () => {
    it('success ack has no state condition and appends the status again (PinLater quirk)', async () => {
      const q = await queue();
      const localId = await store.enqueue(q, job('a', { customStatus: 'start' }));
      await store.ackSucceeded(q, 1, localId, '-ok'); // still PENDING: PinLater acks it anyway
      await store.ackSucceeded(q, 1, localId, '-again');
      expect(await row(q, localId)).toMatchObject({ state: JobState.SUCCEEDED, custom_status: 'start-ok-again' });
    });

    it('keeps the head of the status at 5000 characters', async () => {
      const q = await queue();
      const localId = await store.enqueue(q, job('a', { customStatus: '*' }));
      await store.ackSucceeded(q, 1, localId, '-'.repeat(5000));
      expect(String((await row(q, localId))?.custom_status)).toBe(`*${'-'.repeat(4999)}`);
    });

    it('failure ack: retry with run_after = client now + delay, then FAILED on the last attempt', async () => {
      const q = await queue();
      const localId = await store.enqueue(q, job('f', { attemptsAllowed: 2 }));
      await store.dequeue(q, 1, 1, CLAIM);
      h.clock.t = 1_900_000_000_400;
      await store.ackFailed(q, 1, localId, '|1', 1_700);
      h.clock.t = Date.now();
      expect(await row(q, localId)).toMatchObject({ state: 0, attempts_remaining: 1, claim_descriptor: null, custom_status: '|1', r: 1_900_000_002 });
      await raw.query(`UPDATE ${db(q)}.jobs_p1 SET run_after = NOW() - INTERVAL 1 SECOND WHERE local_id = ?`, [localId]);
      await store.dequeue(q, 1, 1, CLAIM);
      await store.ackFailed(q, 1, localId, '|2', 0);
      expect(await row(q, localId)).toMatchObject({ state: JobState.FAILED, attempts_remaining: 0, custom_status: '|1|2', claim_descriptor: CLAIM });
      await store.ackFailed(q, 1, localId, '|3', 0); // not in progress: no-op
      expect((await row(q, localId))?.custom_status).toBe('|1|2');
    });

    it('a job enqueued with attempts <= 0 fails on a failure ack instead of staying IN_PROGRESS (deviation)', async () => {
      const q = await queue();
      const zero = await store.enqueue(q, job('z', { attemptsAllowed: 0 }));
      const negative = await store.enqueue(q, job('n', { attemptsAllowed: -2 }));
      await store.dequeue(q, 1, 10, CLAIM);
      await store.ackFailed(q, 1, zero, 'x', 0);
      await store.ackFailed(q, 1, negative, 'x', 0);
      expect(await row(q, zero)).toMatchObject({ state: JobState.FAILED, attempts_remaining: 0 });
      expect(await row(q, negative)).toMatchObject({ state: JobState.FAILED, attempts_remaining: 0 });
    });
  });

  describe('checkpoint', () => {
    it('applies the optional parts in PinLater order and needs IN_PROGRESS plus a claim containing the source', async () => {
      const q = await queue();
      const localId = await store.enqueue(q, job('old', { customStatus: 'tail' }));
      const item = { descriptor: '', moveToPending: false, newBody: 'nëw', numOfAttemptsAllowed: 7, prependCustomStatus: 'head-', runAfterMs: 2_000_000_000_999 };
      expect(await store.checkpoint(q, 1, localId, 'worker-7', item)).toBe(false); // pending
      await store.dequeue(q, 1, 1, CLAIM);
      expect(await store.checkpoint(q, 1, localId, 'worker-8', item)).toBe(false);
      expect(await store.checkpoint(q, 1, localId, 'worker-7', item)).toBe(true);
      const r = await row(q, localId);
      expect(r).toMatchObject({ state: 1, attempts_allowed: 7, attempts_remaining: 7, custom_status: 'head-tail', claim_descriptor: CLAIM, r: 2_000_000_000 });
      expect(Buffer.from(r?.body as Buffer).toString('utf8')).toBe('nëw');
    });

    it('matches the source with an unescaped LIKE (`_` is a wildcard), and moveToPending clears the claim', async () => {
      const q = await queue();
      const localId = await store.enqueue(q, job('c'));
      await store.dequeue(q, 1, 1, CLAIM);
      h.clock.t = 1_850_000_000_000;
      expect(await store.checkpoint(q, 1, localId, 'worker_7', { descriptor: '', moveToPending: true })).toBe(true);
      h.clock.t = Date.now();
      expect(await row(q, localId)).toMatchObject({ state: 0, claim_descriptor: null, r: 1_850_000_000 });
    });
  });

  describe('reads', () => {
    it('lookup maps NULLs as JDBC does and omits absent ids', async () => {
      const q = await queue();
      await raw.query(
        `INSERT INTO ${db(q)}.jobs_p1 (state, attempts_allowed, attempts_remaining, custom_status, created_at, run_after, body) VALUES (3, NULL, 0, NULL, '2024-05-06 07:08:09', '2024-05-06 07:08:10', 'b')`,
      );
      const [{ id: localId }] = (await selectRows(raw, `SELECT MAX(local_id) AS id FROM ${db(q)}.jobs_p1`)) as [{ id: number }];
      const info = await store.lookup(q, 1, localId, true);
      expect(info).toMatchObject({ state: JobState.FAILED, attemptsAllowed: 0, attemptsRemaining: 0, customStatus: '', createdAtMs: Date.UTC(2024, 4, 6, 7, 8, 9), runAfterMs: Date.UTC(2024, 4, 6, 7, 8, 10) });
      expect(info).not.toHaveProperty('claimDescriptor');
      expect(info?.body?.toString()).toBe('b');
      expect(await store.lookup(q, 1, localId + 1000, false)).toBeNull();
    });

    it('counts with a cap per shard per priority, and filters bodies with a bound regex (quote-safe)', async () => {
      const q = await queue();
      for (let i = 0; i < 5; i++) await store.enqueue(q, job(`n${i}`));
      await store.enqueue(q, job("it's"));
      expect(await store.count(q, 1, JobState.PENDING, false, undefined)).toBe(3); // countLimit 3
      expect(await store.count(q, 1, JobState.PENDING, false, "it's")).toBe(1);
      expect(await store.count(q, 1, JobState.PENDING, false, "x' OR '1'='1")).toBe(0);
      expect(await store.count(q, 1, JobState.PENDING, false, 'n[0-1]')).toBe(2);
      expect(await store.count(q, 1, JobState.PENDING, false, '^n\\\\d$')).toBe(3); // PinLater literal rules: \\d → \d
      expect(await store.deleteJobs(q, 1, JobState.PENDING, 10, "'")).toBe(1);
    });

    it('scans newest run_after first, limited, with the requested state and no body', async () => {
      const q = await queue();
      const base = Date.now() - 100_000;
      for (const offset of [3, 1, 2]) await store.enqueue(q, job(`s${offset}`, { runAfterMs: base + offset * 1000 }));
      const scanned = await store.scan(q, 1, JobState.PENDING, false, 2, undefined);
      expect(scanned.map((j) => j.runAfterMs)).toEqual([base + 3000, base + 2000].map((t) => Math.floor(t / 1000) * 1000));
      expect(scanned[0]).not.toHaveProperty('body');
      expect(scanned[0]?.state).toBe(JobState.PENDING);
    });

    it('maps a missing table to QUEUE_NOT_FOUND for enqueue/dequeue/ack/checkpoint and UNKNOWN elsewhere', async () => {
      const missing = 'never_created';
      const nf = [
        store.enqueue(missing, job('x')),
        store.dequeue(missing, 1, 1, CLAIM),
        store.ackSucceeded(missing, 1, 1, ''),
        store.ackFailed(missing, 1, 1, '', 0),
        store.checkpoint(missing, 1, 1, 's', { descriptor: '', moveToPending: false }),
      ];
      // Settle every call at once: awaiting them one by one leaves the later rejections without a
      // handler for a moment, which jest reports as unhandled (a flaky failure).
      for (const e of await Promise.all(nf.map(settled))) {
        expect(e).toMatchObject({ code: ErrorCode.QUEUE_NOT_FOUND, message: `Queue not found: ${missing}` });
      }
      const unknown = [
        store.lookup(missing, 1, 1, false),
        store.count(missing, 1, JobState.PENDING, false, undefined),
        store.scan(missing, 1, JobState.PENDING, false, 1, undefined),
        store.retryFailed(missing, 1, 1, 1, Date.now()),
        store.deleteJobs(missing, 1, JobState.PENDING, 1, undefined),
      ];
      for (const e of await Promise.all(unknown.map(settled))) {
        expect(e).toMatchObject({ code: ErrorCode.UNKNOWN });
        expect((e as Error).message).toMatch(/MySQLSyntaxErrorException: Table '.*never_created\.jobs_p1' doesn't exist/);
      }
      expect(h.stats.counter('mysql-queue-not-found-enqueue')).toBeGreaterThan(0);
    });
  });

  describe('retry failed and delete', () => {
    it('retries FAILED jobs up to the limit, leaving claim and attempts_allowed as they are', async () => {
      const q = await queue();
      for (let i = 0; i < 3; i++) await store.enqueue(q, job(`r${i}`, { attemptsAllowed: 1 }));
      await store.dequeue(q, 1, 3, CLAIM);
      await raw.query(`UPDATE ${db(q)}.jobs_p1 SET state = 3, attempts_remaining = 0`);
      expect(await store.retryFailed(q, 1, 2, 5, 1_950_000_000_700)).toBe(2);
      const rows = await selectRows(raw, `SELECT state, attempts_allowed, attempts_remaining, claim_descriptor, UNIX_TIMESTAMP(run_after) AS r FROM ${db(q)}.jobs_p1 WHERE state = 0`);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({ attempts_allowed: 1, attempts_remaining: 5, claim_descriptor: CLAIM, r: 1_950_000_000 });
      expect(await store.deleteJobs(q, 1, JobState.FAILED, 10, undefined)).toBe(1);
    });
  });

  describe('monitor', () => {
    it('times out claims (last attempt → FAILED, else PENDING with run_after kept) and GCs by run_after', async () => {
      const q = await queue();
      const ids: number[] = [];
      for (let i = 0; i < 10; i++) ids.push(await store.enqueue(q, job(`m${i}`, { attemptsAllowed: i < 5 ? 1 : 2 })));
      const zero = await store.enqueue(q, job('z', { attemptsAllowed: 0 }));
      await store.dequeue(q, 1, 20, CLAIM);
      const before = await row(q, ids[9]!);
      await raw.query(`UPDATE ${db(q)}.jobs_p1 SET updated_at = NOW() - INTERVAL 10 MINUTE, run_after = run_after`);
      const oldSucceeded = await store.enqueue(q, job('gc', { runAfterMs: Date.now() - 2 * 3_600_000 }));
      const newSucceeded = await store.enqueue(q, job('keep'));
      await store.ackSucceeded(q, 1, oldSucceeded, '');
      await store.ackSucceeded(q, 1, newSucceeded, '');
      const report = await h.backend.runMonitorOnce();
      expect(report.queues[q]).toEqual({ timeoutDone: 6, timeoutRetry: 5, timeoutEvicted: 0, succeededGc: 1, failedGc: 0 });
      const states = await selectRows(raw, `SELECT state, COUNT(*) AS n FROM ${db(q)}.jobs_p1 GROUP BY state ORDER BY state`);
      expect(states.map((r) => [r.state, Number(r.n)])).toEqual([[0, 5], [2, 1], [3, 6]]);
      expect(await row(q, zero)).toMatchObject({ state: JobState.FAILED, attempts_remaining: 0 }); // deviation: attempts <= 0
      expect(await row(q, ids[9]!)).toMatchObject({ state: 0, attempts_remaining: 1, claim_descriptor: null, r: before?.r });
      expect(h.stats.counter(`${q}_timeout_done`)).toBe(6);
    });

    it('keeps going past a queue database without tables (deviation)', async () => {
      await raw.query(`CREATE DATABASE ${db('aaa_broken')}`);
      const q = await queue();
      const localId = await store.enqueue(q, job('late', { attemptsAllowed: 2 }));
      await store.dequeue(q, 1, 1, CLAIM);
      await raw.query(`UPDATE ${db(q)}.jobs_p1 SET updated_at = NOW() - INTERVAL 10 MINUTE`);
      const report = await h.backend.runMonitorOnce();
      expect(report.skippedShards).toEqual([]);
      expect((await row(q, localId))?.state).toBe(JobState.PENDING);
      await raw.query(`DROP DATABASE ${db('aaa_broken')}`);
    });
  });

  describe('export and import', () => {
    it('pages by local_id with every column and re-inserts jobs with their metadata', async () => {
      const q = await queue();
      for (let i = 0; i < 5; i++) await store.enqueue(q, job(`e${i}`, { customStatus: `cs${i}`, runAfterMs: 1_700_000_000_000 + i * 1000 }));
      await store.dequeue(q, 1, 2, CLAIM);
      const pending = [];
      let cursor: string | undefined;
      do {
        const page = await store.exportJobs(q, 1, JobState.PENDING, cursor, 2);
        pending.push(...page.jobs);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      const inProgress = (await store.exportJobs(q, 1, JobState.IN_PROGRESS, undefined, 10)).jobs;
      expect(pending).toHaveLength(3);
      expect(inProgress.map((j) => j.claimDescriptor)).toEqual([CLAIM, CLAIM]);
      const target = await queue();
      const all = [...pending, ...inProgress].map((j) => ({ ...j, sourceDescriptor: `${q}:s${id}:p1:${j.localId}`, queue: target }));
      const newIds = await store.importJobs(target, all);
      expect(newIds).toHaveLength(5);
      for (const [i, src] of all.entries()) {
        const copy = await row(target, newIds[i]!);
        expect(copy).toMatchObject({
          state: src.state,
          attempts_allowed: src.attemptsAllowed,
          attempts_remaining: src.attemptsRemaining,
          custom_status: src.customStatus,
          claim_descriptor: src.claimDescriptor ?? null,
          c: src.createdAtMs / 1000,
          r: src.runAfterMs / 1000,
          u: src.updatedAtMs / 1000,
        });
      }
    });
  });

  it('claims with PinLater’s SQL at a pinned NOW() (SET timestamp), as a PinLater server would', async () => {
    const q = await queue();
    await store.enqueue(q, job('t0', { runAfterMs: 1_600_000_000_000 }));
    await store.enqueue(q, job('t1', { runAfterMs: 1_600_000_001_000 }));
    await raw.query('SET timestamp = 1600000000');
    try {
      const [header] = await raw.query(`UPDATE ${db(q)}.jobs_p1 SET claim_descriptor = ?, state = 1 WHERE state = 0 AND run_after <= NOW() LIMIT 10`, ['java:1:1:s:1']);
      expect((header as { affectedRows: number }).affectedRows).toBe(1);
    } finally {
      await raw.query('SET timestamp = DEFAULT');
    }
    const scanned = await store.scan(q, 1, JobState.IN_PROGRESS, false, 10, undefined);
    expect(scanned.map((j) => [j.runAfterMs, j.claimDescriptor])).toEqual([[1_600_000_000_000, 'java:1:1:s:1']]);
  });
});

/** The rejection reason of `p`, or undefined if it resolved. */
function settled(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => undefined, (err: unknown) => err);
}
