/**
 * The exactly-once move primitives of the legacy MySQL store (ShardStore takeForMove …
 * discardStaged; legacy-adapter/src/mysql/mysql-job-mover.ts, docs/migration.md "Exactly once")
 * against the real MariaDB, with every row checked by plain SQL: taken (state 10 + s) and staged
 * (state 20 + s) rows are served by no PinLater statement, keep their columns, survive a new store
 * instance, and each job goes to exactly one of a concurrent take and claim.
 */
import type { Connection, ResultSetHeader } from 'mysql2/promise';
import { ErrorCode } from '../../core/src/errors/error-code';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import type { MonitorSettings, ShardPortableJob, ShardStore } from '../../core/src/interfaces/shard-store';
import type { PortableJob } from '../../core/src/types/job';
import { ALL_JOB_STATES, JobState } from '../../core/src/types/job-state';
import { classifyMysqlError } from '../../legacy-adapter/src/mysql/mysql-errors';
import { assertNoLeaks } from '../support/leak-check';
import { uniqueMysqlInstanceId } from '../support/namespaces';
import { dropInstanceDatabases, mysqlTestSettings, rawConnection, selectRows, startMysqlBackend, type MysqlBackendHarness } from './legacy-mysql-fixtures';

const CLAIM = 'gw-host:9010:1700000000000:worker-7:1';
/** An updated_at no statement of ours may touch: any auto-update would replace it with NOW(). */
const OLD_UPDATED_S = 1_600_000_000;

interface RowSpec {
  state: number;
  runAfterS: number;
  updatedAtS?: number;
  claim?: string | null;
  attemptsAllowed?: number;
  attemptsRemaining?: number;
  status?: string;
  body?: string;
}

describe('legacy MySQL job mover primitives against real MariaDB', () => {
  let h: MysqlBackendHarness;
  let raw: Connection;
  let store: ShardStore;
  const id = uniqueMysqlInstanceId();
  const db = (q: string) => `plq_${id}_${q}`;
  let seq = 0;
  const nowS = () => Math.floor(Date.now() / 1000);

  async function queue(): Promise<string> {
    const q = `mv${++seq}`;
    await h.backend.createQueue(q);
    return q;
  }

  /** A row written the way a PinLater server (or an earlier gateway) left it. */
  async function insert(q: string, r: RowSpec): Promise<number> {
    const [header] = await raw.query<ResultSetHeader>(
      `INSERT INTO ${db(q)}.jobs_p1 (state, claim_descriptor, attempts_allowed, attempts_remaining, custom_status, updated_at, created_at, run_after, body)
       VALUES (?, ?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?)`,
      [r.state, r.claim ?? null, r.attemptsAllowed ?? 3, r.attemptsRemaining ?? 3, r.status ?? 'cs', r.updatedAtS ?? OLD_UPDATED_S, OLD_UPDATED_S - 60, r.runAfterS, Buffer.from(r.body ?? 'b')],
    );
    return header.insertId;
  }

  const row = async (q: string, localId: number) =>
    (await selectRows(raw, `SELECT *, UNIX_TIMESTAMP(run_after) AS r, UNIX_TIMESTAMP(updated_at) AS u FROM ${db(q)}.jobs_p1 WHERE local_id = ?`, [localId]))[0];
  const statesOf = async (q: string): Promise<Map<number, number>> =>
    new Map((await selectRows(raw, `SELECT local_id, state FROM ${db(q)}.jobs_p1`)).map((r) => [Number(r.local_id), Number(r.state)]));

  /** What every read path of a PinLater server sees of one priority: lookups, counts, scans, export, dry run. */
  async function visible(q: string, localIds: number[]): Promise<unknown> {
    const out: Record<string, unknown> = {};
    for (const localId of localIds) {
      out[`lookup ${localId}`] = await store.lookup(q, 1, localId, false);
      out[`lookup+body ${localId}`] = await store.lookup(q, 1, localId, true);
    }
    for (const state of ALL_JOB_STATES) {
      for (const future of [false, true]) {
        out[`count ${state} ${future}`] = await store.count(q, 1, state, future, undefined);
        out[`scan ${state} ${future}`] = (await store.scan(q, 1, state, future, 100, undefined)).map((j) => j.localId);
      }
      out[`export ${state}`] = (await store.exportJobs(q, 1, state, undefined, 100)).jobs.map((j) => j.localId);
    }
    out.peek = (await store.peek(q, 1, 100)).map((j) => j.localId);
    return out;
  }
  /** What `visible` shows of a priority where nothing is visible: the given lookups absent. */
  function nothingVisible(localIds: number[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const localId of localIds) {
      out[`lookup ${localId}`] = null;
      out[`lookup+body ${localId}`] = null;
    }
    for (const state of ALL_JOB_STATES) {
      for (const future of [false, true]) {
        out[`count ${state} ${future}`] = 0;
        out[`scan ${state} ${future}`] = [];
      }
      out[`export ${state}`] = [];
    }
    out.peek = [];
    return out;
  }

  const monitorSettings = (): MonitorSettings => ({ claimTimeoutMs: 1, succeededTtlMs: 3_600_000, failedTtlMs: 3_600_000, updateMaxSize: 1000, runStartMs: Date.now() });

  beforeAll(async () => {
    h = await startMysqlBackend({ instances: [{ id }], settings: mysqlTestSettings() });
    store = h.registry.current()[0]!;
    raw = await rawConnection();
  });
  afterAll(async () => {
    await dropInstanceDatabases([id]);
    await raw.end();
    await h.close();
  });
  afterAll(() => assertNoLeaks());

  it('a late success ack leaves a taken or staged row alone (it still acks a visible one, as PinLater)', async () => {
    const q = await queue();
    const now = nowS();
    const takenId = await insert(q, { state: 0, runAfterS: now - 10 });
    const visibleId = await insert(q, { state: JobState.IN_PROGRESS, runAfterS: now - 10, claim: CLAIM });
    await store.takeForMove(q, 1, JobState.PENDING, 10);
    const [staged] = await store.stageMoved(q, 1, [{
      sourceDescriptor: 'src:s1:p1:1', queue: q, priority: 1, state: JobState.PENDING, body: Buffer.from('x'), attemptsAllowed: 1,
      attemptsRemaining: 1, customStatus: '', createdAtMs: now * 1000, updatedAtMs: now * 1000, runAfterMs: now * 1000,
    }]);
    for (const localId of [takenId, staged!.localId, visibleId]) await store.ackSucceeded(q, 1, localId, 'late');
    const states = await statesOf(q);
    expect(states.get(takenId)).toBe(10);
    expect(states.get(staged!.localId)).toBe(20);
    expect(states.get(visibleId)).toBe(JobState.SUCCEEDED);
    expect(await store.finishMove(q, 1, [takenId])).toBe(1);
    expect(await store.discardStaged(q, 1, [staged!.localId])).toBe(1);
  });

  describe('take', () => {
    it('takes only the given state, earliest run-after first (future PENDING included), up to the limit, as stored', async () => {
      const q = await queue();
      const now = nowS();
      const later = await insert(q, { state: 0, runAfterS: now + 7200 });
      const due = await insert(q, { state: 0, runAfterS: now - 3600, claim: 'old-claim:1:1:w:1', status: 'retried' });
      const soon = await insert(q, { state: 0, runAfterS: now + 3600 });
      const oldest = await insert(q, { state: 0, runAfterS: now - 7200, attemptsAllowed: 5, attemptsRemaining: 2, body: 'oldest' });
      const failed = await insert(q, { state: JobState.FAILED, runAfterS: now - 9000, claim: CLAIM });
      const inProgress = await insert(q, { state: JobState.IN_PROGRESS, runAfterS: now - 9000, claim: CLAIM });
      const before = (await store.exportJobs(q, 1, JobState.PENDING, undefined, 10)).jobs;

      const taken = await store.takeForMove(q, 1, JobState.PENDING, 3);
      expect(taken.map((j) => j.localId)).toEqual([oldest, due, soon]);
      for (const job of taken) expect(job).toEqual(before.find((b) => b.localId === job.localId));
      expect(taken[1]).toMatchObject({ state: JobState.PENDING, claimDescriptor: 'old-claim:1:1:w:1', customStatus: 'retried' });
      expect(taken[0]).toMatchObject({ attemptsAllowed: 5, attemptsRemaining: 2, runAfterMs: (now - 7200) * 1000, updatedAtMs: OLD_UPDATED_S * 1000 });
      expect(taken[0]?.body.toString()).toBe('oldest');
      for (const localId of [oldest, due, soon]) expect(await row(q, localId)).toMatchObject({ state: 10, u: OLD_UPDATED_S });
      expect(Object.fromEntries(await statesOf(q))).toEqual({ [later]: 0, [due]: 10, [soon]: 10, [oldest]: 10, [failed]: 3, [inProgress]: 1 });

      expect((await store.takeForMove(q, 1, JobState.PENDING, 10)).map((j) => j.localId)).toEqual([later]);
      expect(await store.takeForMove(q, 1, JobState.PENDING, 10)).toEqual([]);
      expect(await store.takeForMove(q, 1, JobState.FAILED, 10)).toMatchObject([{ localId: failed, state: JobState.FAILED, claimDescriptor: CLAIM }]);
      expect(await row(q, failed)).toMatchObject({ state: 13, claim_descriptor: CLAIM, u: OLD_UPDATED_S });
    });

    it('refuses to take IN_PROGRESS jobs (they stay with their worker)', async () => {
      const q = await queue();
      const localId = await insert(q, { state: JobState.IN_PROGRESS, runAfterS: nowS(), claim: CLAIM });
      const error = await store.takeForMove(q, 1, JobState.IN_PROGRESS, 10).catch((e: unknown) => e);
      expect(PinLaterError.is(error)).toBe(true);
      expect(await row(q, localId)).toMatchObject({ state: 1, claim_descriptor: CLAIM });
    });

    it('fails with QUEUE_NOT_FOUND on a queue this shard does not have', async () => {
      const error = await store.takeForMove('nosuchqueue', 1, JobState.PENDING, 10).catch((e: unknown) => e);
      expect(PinLaterError.is(error, ErrorCode.QUEUE_NOT_FOUND)).toBe(true);
    });
  });

  describe('a taken job', () => {
    it('is served by nothing: no dequeue (even due), count, scan, lookup, export, retry, delete, claim timeout or GC', async () => {
      const q = await queue();
      const now = nowS();
      // Taken rows sort first (older run_after) and are due or past every TTL; updated_at long past the claim timeout.
      const takenP = await insert(q, { state: 0, runAfterS: now - 10_800 });
      const takenS = await insert(q, { state: 2, runAfterS: now - 10_800, claim: CLAIM });
      const takenF = await insert(q, { state: 3, runAfterS: now - 10_800, claim: CLAIM });
      expect((await store.takeForMove(q, 1, JobState.PENDING, 1)).map((j) => j.localId)).toEqual([takenP]);
      expect((await store.takeForMove(q, 1, JobState.SUCCEEDED, 1)).map((j) => j.localId)).toEqual([takenS]);
      expect((await store.takeForMove(q, 1, JobState.FAILED, 1)).map((j) => j.localId)).toEqual([takenF]);
      const takenRows = [await row(q, takenP), await row(q, takenS), await row(q, takenF)];

      expect(await visible(q, [takenP, takenS, takenF])).toEqual(nothingVisible([takenP, takenS, takenF]));
      expect(await store.dequeue(q, 1, 10, CLAIM)).toEqual([]);

      // Controls: the same jobs untaken are served, timed out and collected by the same calls.
      const pending = await insert(q, { state: 0, runAfterS: now - 7200 });
      const inProgress = await insert(q, { state: 1, runAfterS: now - 7200, claim: CLAIM });
      const succeededOld = await insert(q, { state: 2, runAfterS: now - 7200 });
      const failedOld = await insert(q, { state: 3, runAfterS: now - 7200 });
      const failedNew = await insert(q, { state: 3, runAfterS: now });
      expect((await store.dequeue(q, 1, 10, 'gw:1:1:w:9')).map((j) => j.localId)).toEqual([pending]);
      await raw.query(`UPDATE ${db(q)}.jobs_p1 SET updated_at = FROM_UNIXTIME(?) WHERE local_id = ?`, [OLD_UPDATED_S, pending]);
      const report = await store.runMonitor(1, monitorSettings());
      expect(report.error).toBeUndefined();
      expect(report.queues[q]).toEqual({ timeoutDone: 0, timeoutRetry: 2, timeoutEvicted: 0, succeededGc: 1, failedGc: 1 });
      expect(await row(q, succeededOld)).toBeUndefined();
      expect(await row(q, failedOld)).toBeUndefined();
      expect(await row(q, inProgress)).toMatchObject({ state: 0, attempts_remaining: 2 });
      expect(await store.retryFailed(q, 1, 100, 5, Date.now())).toBe(1);
      expect(await row(q, failedNew)).toMatchObject({ state: 0, attempts_remaining: 5 });
      for (const state of ALL_JOB_STATES) await store.deleteJobs(q, 1, state, 100, undefined);
      await store.deleteJobs(q, 1, JobState.SUCCEEDED, 100, 'b');

      expect(Object.fromEntries(await statesOf(q))).toEqual({ [takenP]: 10, [takenS]: 12, [takenF]: 13 });
      expect([await row(q, takenP), await row(q, takenS), await row(q, takenF)]).toEqual(takenRows);
      expect((await store.listTaken(q, 1, 10)).map((j) => [j.localId, j.state])).toEqual([
        [takenP, JobState.PENDING],
        [takenS, JobState.SUCCEEDED],
        [takenF, JobState.FAILED],
      ]);
    });

    it('survives a new store instance, and restore puts it back in its state with its run-after and updated_at', async () => {
      const q = await queue();
      const now = nowS();
      const future = await insert(q, { state: 0, runAfterS: now + 3600 });
      const due = await insert(q, { state: 0, runAfterS: now - 60 });
      const failed = await insert(q, { state: 3, runAfterS: now - 60, claim: CLAIM, attemptsRemaining: 0 });
      const taken = [...(await store.takeForMove(q, 1, JobState.PENDING, 10)), ...(await store.takeForMove(q, 1, JobState.FAILED, 10))];
      expect(taken.map((j) => j.localId).sort()).toEqual([future, due, failed].sort());
      const before = await Promise.all([future, due, failed].map((localId) => row(q, localId)));

      const h2 = await startMysqlBackend({ instances: [{ id }], settings: mysqlTestSettings() });
      try {
        const store2 = h2.registry.current()[0]!;
        const listed = await store2.listTaken(q, 1, 10);
        expect(byId(listed)).toEqual(byId(taken));
        expect(await store2.listTaken(q, 1, 1)).toHaveLength(1);
        expect(await store2.restoreMove(q, 1, [future, due, failed, 999_999])).toBe(3);
      } finally {
        await h2.close();
      }
      for (const [i, localId] of [future, due, failed].entries()) {
        expect(await row(q, localId)).toEqual({ ...before[i], state: before[i]?.state - 10 });
      }
      expect(await row(q, future)).toMatchObject({ state: 0, r: now + 3600, u: OLD_UPDATED_S });
      expect(await row(q, failed)).toMatchObject({ state: 3, claim_descriptor: CLAIM, attempts_remaining: 0 });
      expect(await store.count(q, 1, JobState.PENDING, true, undefined)).toBe(1);
      expect((await store.dequeue(q, 1, 10, 'gw:1:2:w:1')).map((j) => j.localId)).toEqual([due]);
      expect(await store.lookup(q, 1, failed, false)).toMatchObject({ state: JobState.FAILED, claimDescriptor: CLAIM });
      // Idempotent: nothing is taken any more.
      expect(await store.restoreMove(q, 1, [future, due, failed])).toBe(0);
      expect(await store.listTaken(q, 1, 10)).toEqual([]);
      expect(Object.fromEntries(await statesOf(q))).toEqual({ [future]: 0, [due]: 1, [failed]: 3 });
    });

    it('finish deletes only taken rows, once', async () => {
      const q = await queue();
      const now = nowS();
      const a = await insert(q, { state: 2, runAfterS: now - 100 });
      const b = await insert(q, { state: 2, runAfterS: now - 90 });
      const c = await insert(q, { state: 2, runAfterS: now - 80 });
      expect((await store.takeForMove(q, 1, JobState.SUCCEEDED, 2)).map((j) => j.localId)).toEqual([a, b]);
      expect(await store.finishMove(q, 1, [a, b, c])).toBe(2);
      expect(Object.fromEntries(await statesOf(q))).toEqual({ [c]: 2 });
      expect(await store.finishMove(q, 1, [a, b, c])).toBe(0);
      expect(await store.finishMove(q, 1, [])).toBe(0);
      expect(Object.fromEntries(await statesOf(q))).toEqual({ [c]: 2 });
    });
  });

  describe('staging', () => {
    const now = nowS();
    const portable = (state: JobState, n: number, extra: Partial<PortableJob> = {}): PortableJob => ({
      sourceDescriptor: `srcq:spacer0:p1:${n}`,
      queue: 'srcq',
      priority: 1,
      state,
      body: Buffer.from(`body${n}`),
      attemptsAllowed: 4,
      attemptsRemaining: 3,
      customStatus: `status${n}`,
      createdAtMs: (now - 5000) * 1000 + 123,
      updatedAtMs: (now - 4000) * 1000 + 456,
      runAfterMs: (now - 3000) * 1000 + 789,
      ...extra,
    });

    it('writes invisible tagged rows, reads them back as stored, and publish makes them visible in their state once', async () => {
      const q = await queue();
      const jobs = [
        portable(JobState.PENDING, 1),
        portable(JobState.PENDING, 2, { runAfterMs: (now + 3600) * 1000 }),
        portable(JobState.FAILED, 3, { claimDescriptor: CLAIM, attemptsRemaining: 0 }),
        portable(JobState.SUCCEEDED, 4, { customStatus: 'x'.repeat(6000) }),
      ];
      const stored = await store.stageMoved(q, 1, jobs);
      expect(stored.map((s) => s.state)).toEqual(jobs.map((j) => j.state));
      const ids = stored.map((s) => s.localId);
      expect(new Set(ids).size).toBe(4);
      expect(stored[0]).toEqual({
        localId: ids[0],
        priority: 1,
        state: JobState.PENDING,
        body: Buffer.from('body1'),
        attemptsAllowed: 4,
        attemptsRemaining: 3,
        customStatus: 'status1',
        createdAtMs: (now - 5000) * 1000,
        updatedAtMs: (now - 4000) * 1000,
        runAfterMs: (now - 3000) * 1000,
      });
      expect(stored[3]?.customStatus).toBe('x'.repeat(5000));
      expect(stored[2]).not.toHaveProperty('claimDescriptor');
      const rows = await selectRows(raw, `SELECT local_id, state, claim_descriptor FROM ${db(q)}.jobs_p1 ORDER BY local_id`);
      expect(rows.map((r) => [Number(r.local_id), r.state, r.claim_descriptor])).toEqual([
        [ids[0], 20, 'mv:srcq:spacer0:p1:1'],
        [ids[1], 20, 'mv:srcq:spacer0:p1:2'],
        [ids[2], 23, 'mv:srcq:spacer0:p1:3'],
        [ids[3], 22, 'mv:srcq:spacer0:p1:4'],
      ]);

      // Invisible to every read path, and untouched by every PinLater write path.
      expect(await visible(q, ids)).toEqual(nothingVisible(ids));
      expect(await store.dequeue(q, 1, 10, CLAIM)).toEqual([]);
      expect(await store.retryFailed(q, 1, 10, 5, Date.now())).toBe(0);
      for (const state of ALL_JOB_STATES) expect(await store.deleteJobs(q, 1, state, 100, undefined)).toBe(0);
      const report = await store.runMonitor(1, { ...monitorSettings(), succeededTtlMs: 1, failedTtlMs: 1 });
      expect(report.queues[q]).toEqual({ timeoutDone: 0, timeoutRetry: 0, timeoutEvicted: 0, succeededGc: 0, failedGc: 0 });
      expect(await store.listStaged(q, 1, 10)).toEqual(ids.map((localId, i) => ({ localId, sourceDescriptor: jobs[i]?.sourceDescriptor })));
      expect(await store.listStaged(q, 1, 2)).toHaveLength(2);
      expect(await store.listTaken(q, 1, 10)).toEqual([]);

      const items = [{ localId: ids[0]! }, { localId: ids[1]! }, { localId: ids[2]!, claimDescriptor: CLAIM }, { localId: ids[3]! }];
      expect(await store.publishStaged(q, 1, items)).toBe(4);
      expect(await store.publishStaged(q, 1, items)).toBe(0);
      expect(await store.listStaged(q, 1, 10)).toEqual([]);
      const after = await selectRows(raw, `SELECT local_id, state, claim_descriptor, UNIX_TIMESTAMP(updated_at) AS u, UNIX_TIMESTAMP(run_after) AS r FROM ${db(q)}.jobs_p1 ORDER BY local_id`);
      expect(after.map((r) => [r.state, r.claim_descriptor, r.u, r.r])).toEqual([
        [0, null, now - 4000, now - 3000],
        [0, null, now - 4000, now + 3600],
        [3, CLAIM, now - 4000, now - 3000],
        [2, null, now - 4000, now - 3000],
      ]);
      expect(await store.lookup(q, 1, ids[2]!, false)).toMatchObject({ state: JobState.FAILED, claimDescriptor: CLAIM, attemptsRemaining: 0 });
      expect(await store.lookup(q, 1, ids[3]!, false)).not.toHaveProperty('claimDescriptor');
      expect(await store.count(q, 1, JobState.PENDING, true, undefined)).toBe(1);
      expect((await store.dequeue(q, 1, 10, 'gw:1:3:w:1')).map((j) => j.localId)).toEqual([ids[0]]);
    });

    it('discard deletes only staged rows, once', async () => {
      const q = await queue();
      const visibleJob = await insert(q, { state: 0, runAfterS: now });
      const [a, b] = await store.stageMoved(q, 1, [portable(JobState.PENDING, 1), portable(JobState.FAILED, 2)]);
      expect(await store.discardStaged(q, 1, [a!.localId, visibleJob])).toBe(1);
      expect(await store.discardStaged(q, 1, [a!.localId, visibleJob])).toBe(0);
      expect(await store.discardStaged(q, 1, [])).toBe(0);
      expect(await store.listStaged(q, 1, 10)).toEqual([{ localId: b!.localId, sourceDescriptor: 'srcq:spacer0:p1:2' }]);
      expect(Object.fromEntries(await statesOf(q))).toEqual({ [visibleJob]: 0, [b!.localId]: 23 });
      // Publish of a discarded row does nothing either.
      expect(await store.publishStaged(q, 1, [{ localId: a!.localId }])).toBe(0);
    });

    it('refuses, before writing anything, a source descriptor whose tag does not fit claim_descriptor, and an over-long claim', async () => {
      const q = await queue();
      const fits = `${'q'.repeat(197 - ':s1:p1:1'.length)}:s1:p1:1`;
      const error = await store.stageMoved(q, 1, [portable(JobState.PENDING, 1), portable(JobState.PENDING, 2, { sourceDescriptor: `${fits}0` })]).catch((e: unknown) => e);
      expect(PinLaterError.is(error, ErrorCode.UNKNOWN)).toBe(true);
      expect((error as Error).message).toMatch(/tag is 201 characters, claim_descriptor holds 200/);
      expect(await statesOf(q)).toEqual(new Map());
      const [ok] = await store.stageMoved(q, 1, [portable(JobState.FAILED, 1, { sourceDescriptor: fits })]);
      expect(await store.listStaged(q, 1, 10)).toEqual([{ localId: ok!.localId, sourceDescriptor: fits }]);
      const tooLong = await store.publishStaged(q, 1, [{ localId: ok!.localId, claimDescriptor: 'c'.repeat(201) }]).catch((e: unknown) => e);
      expect(PinLaterError.is(tooLong, ErrorCode.UNKNOWN)).toBe(true);
      expect(await row(q, ok!.localId)).toMatchObject({ state: 23, claim_descriptor: `mv:${fits}` });
    });

    it('refuses jobs of another priority than the one staged into', async () => {
      const q = await queue();
      const error = await store.stageMoved(q, 1, [portable(JobState.PENDING, 1, { priority: 2 })]).catch((e: unknown) => e);
      expect(PinLaterError.is(error)).toBe(true);
      expect(await statesOf(q)).toEqual(new Map());
    });
  });

  describe('races', () => {
    /** Runs `fn`; a deadlock victim (rolled back whole) got nothing. */
    async function orNothingOnDeadlock<T>(fn: () => Promise<T[]>, deadlocks: { n: number }): Promise<T[]> {
      try {
        return await fn();
      } catch (e) {
        if (classifyMysqlError(e) !== 'deadlock' && classifyMysqlError((e as { cause?: unknown }).cause) !== 'deadlock') throw e;
        deadlocks.n++;
        return [];
      }
    }

    it('a due job goes to a concurrent take or a concurrent dequeue, never to both (many rounds)', async () => {
      const q = await queue();
      const deadlocks = { n: 0 };
      let takenTotal = 0;
      let dequeuedTotal = 0;
      for (let round = 0; round < 25; round++) {
        const now = nowS();
        const ids: number[] = [];
        for (let i = 0; i < 24; i++) ids.push(await insert(q, { state: 0, runAfterS: now - 100 + (i % 7) }));
        const takes = [0, 1].map(() => orNothingOnDeadlock(() => store.takeForMove(q, 1, JobState.PENDING, 8), deadlocks));
        const dequeues = [0, 1, 2].map((d) => orNothingOnDeadlock(() => store.dequeue(q, 1, 6, `gw:1:${round}:w:${d}`), deadlocks));
        const taken = (await Promise.all(takes)).flat().map((j) => j.localId);
        const dequeued = (await Promise.all(dequeues)).flat().map((j) => j.localId);
        expect(new Set(taken).size).toBe(taken.length);
        expect(new Set(dequeued).size).toBe(dequeued.length);
        expect(taken.filter((t) => dequeued.includes(t))).toEqual([]);
        const states = await statesOf(q);
        expect(ids.filter((i) => states.get(i) === 10).sort()).toEqual([...taken].sort());
        expect(ids.filter((i) => states.get(i) === 1).sort()).toEqual([...dequeued].sort());
        takenTotal += taken.length;
        dequeuedTotal += dequeued.length;
        await raw.query(`DELETE FROM ${db(q)}.jobs_p1`);
      }
      // The race was real: both sides won jobs, and most calls completed.
      expect(takenTotal).toBeGreaterThan(0);
      expect(dequeuedTotal).toBeGreaterThan(0);
      expect(deadlocks.n).toBeLessThan((25 * 5) / 2);
    });

    it('concurrent takes of the same jobs return disjoint sets, together exactly the rows taken, and refill what they lost (many rounds)', async () => {
      const q = await queue();
      for (let round = 0; round < 25; round++) {
        const now = nowS();
        for (let i = 0; i < 20; i++) await insert(q, { state: 3, runAfterS: now - 50 + (i % 5) });
        const results = await Promise.all([0, 1, 2, 3].map(() => store.takeForMove(q, 1, JobState.FAILED, 7)));
        const all = results.flat().map((j) => j.localId);
        expect(new Set(all).size).toBe(all.length);
        const takenInDb = [...(await statesOf(q))].filter(([, s]) => s === 13).map(([localId]) => localId);
        expect([...all].sort()).toEqual(takenInDb.sort());
        // 4 × 7 > 20: a take that lost candidates to another takes the next ones, so all 20 go.
        expect(all).toHaveLength(20);
        await raw.query(`DELETE FROM ${db(q)}.jobs_p1`);
      }
    });
  });
});

function byId(jobs: ShardPortableJob[]): ShardPortableJob[] {
  return [...jobs].sort((a, b) => a.localId - b.localId);
}
