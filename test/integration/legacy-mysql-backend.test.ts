/**
 * The legacy MySQL backend as a whole (FACTS §5.1, §5.6, §8): shard map from PinLater's JSON,
 * dequeueOnly, enqueue shard choice, getQueueNames, the dequeue health window, and config reload.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../core/src/errors/error-code';
import { JobState } from '../../core/src/types/job-state';
import { uniqueMysqlInstanceId } from '../support/namespaces';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { backendJson, dropInstanceDatabases, mysqlTestSettings, rawConnection, selectRows, startMysqlBackend, type MysqlBackendHarness } from './legacy-mysql-fixtures';
import { freePort } from '../support/free-port';

const jobs = (n: number) => Array.from({ length: n }, (_v, i) => ({ body: Buffer.from(`j${i}`), priority: 1, attemptsAllowed: 1, customStatus: '' }));
const shardOf = (descriptor: string) => descriptor.split(':')[1]?.slice(1);

describe('legacy MySQL backend', () => {
  const opened: MysqlBackendHarness[] = [];
  const instanceIds: number[] = [];
  const ids = (n: number) => {
    const fresh = Array.from({ length: n }, () => uniqueMysqlInstanceId());
    instanceIds.push(...fresh);
    return fresh;
  };
  async function start(...args: Parameters<typeof startMysqlBackend>) {
    const h = await startMysqlBackend(...args);
    opened.push(h);
    return h;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'legacy-mysql-'));

  afterAll(async () => {
    await Promise.all(opened.map((h) => h.close()));
    await dropInstanceDatabases(instanceIds);
    rmSync(tmp, { recursive: true, force: true });
  });
  afterAll(() => assertNoLeaks());

  it('orders shards by JSON order then db id, enqueues only on non-dequeueOnly instances, dequeues from all', async () => {
    const [a, b] = ids(2) as [number, number];
    const h = await start({ instances: [{ id: b, dequeueOnly: true }, { id: a }], settings: mysqlTestSettings({}, { numDbPerQueue: 2 }) });
    expect(h.registry.current().map((s) => s.name)).toEqual([`${b}`, `${b}d1`, `${a}`, `${a}d1`]);
    await h.backend.createQueue('mq');
    const descriptors = await h.backend.enqueueJobs({ queue: 'mq', jobs: jobs(40) });
    expect(new Set(descriptors.map(shardOf))).toEqual(new Set([`${a}`, `${a}d1`]));
    const raw = await rawConnection();
    await raw.query(`INSERT INTO plq_${b}d1_mq.jobs_p1 (state, attempts_allowed, attempts_remaining, custom_status, created_at, run_after, body) VALUES (0, 1, 1, '', NOW(), NOW(), 'from-java')`);
    await raw.end();
    const got = await h.backend.dequeueJobs({ queue: 'mq', limit: 100, dryRun: false, coverage: 1, claimDescriptor: 'h:1:1:s:1' });
    expect(got.jobs).toHaveLength(41);
    expect(got.jobs.map((j) => j.descriptor)).toContain(`mq:s${b}d1:p1:1`);
  });

  it('answers UNKNOWN when no shard takes enqueues, and an empty set of queue names without shards', async () => {
    const [c] = ids(1) as [number];
    const h = await start({ instances: [{ id: c, dequeueOnly: true }] });
    await h.backend.createQueue('ro');
    await expect(h.backend.enqueueJobs({ queue: 'ro', jobs: jobs(1) })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN, message: 'java.lang.NullPointerException' });
    expect(await h.backend.getQueueNames()).toEqual(new Set(['ro']));
    const empty = await start({ instances: [] });
    expect(await empty.backend.getQueueNames()).toEqual(new Set());
  });

  it('skips a shard whose dequeue window is unhealthy, and resets it after the period', async () => {
    const [d] = ids(1) as [number];
    const h = await start({
      instances: [{ id: d }],
      settings: mysqlTestSettings({ autoRetries: 0 }),
      internals: { health: { windowSize: 4, healthySuccessThreshold: 3, unhealthyResetMs: 60_000 } },
    });
    await h.backend.createQueue('hq');
    await h.backend.enqueueJobs({ queue: 'hq', jobs: jobs(3) });
    for (let i = 0; i < 2; i++) {
      await expect(h.backend.dequeueJobs({ queue: 'missing', limit: 1, dryRun: false, coverage: 1, claimDescriptor: 'c' })).rejects.toMatchObject({ code: ErrorCode.QUEUE_NOT_FOUND });
    }
    expect(h.registry.current()[0]?.isHealthy()).toBe(true); // window of 4 not full yet
    await h.backend.dequeueJobs({ queue: 'hq', limit: 1, dryRun: true, coverage: 1, claimDescriptor: 'c' });
    await h.backend.dequeueJobs({ queue: 'missing', limit: 1, dryRun: false, coverage: 1, claimDescriptor: 'c' }).catch(() => undefined);
    expect(await h.backend.dequeueJobs({ queue: 'hq', limit: 10, dryRun: false, coverage: 1, claimDescriptor: 'c' })).toEqual({ jobs: [] });
    expect(h.stats.counter('mysql-unhealthy-shard-dequeue')).toBe(3); // once per priority, as PinLater
    // Only dequeue consults health: enqueue and counts still work.
    await h.backend.enqueueJobs({ queue: 'hq', jobs: jobs(1) });
    expect(await h.backend.getJobCount({ queue: 'hq', state: JobState.PENDING, future: false })).toBe(4);
    h.clock.t += 60_000;
    expect((await h.backend.dequeueJobs({ queue: 'hq', limit: 10, dryRun: false, coverage: 1, claimDescriptor: 'c' })).jobs).toHaveLength(4);
  });

  it('reloads the JSON file: keeps unchanged instances (dequeueOnly live), adds new ones with their queues, drops removed ones', async () => {
    const [e, f, g] = ids(3) as [number, number, number];
    const path = join(tmp, 'mysql.json');
    writeFileSync(path, JSON.stringify(backendJson([{ id: e }, { id: f }])));
    const h = await start({
      instances: [{ id: e }, { id: f }],
      backendConfigPath: path,
      settings: mysqlTestSettings({}, { configReloadMs: 50, numDbPerQueue: 2 }),
    });
    await h.backend.createQueue('rq');
    await h.backend.createQueue('rq_two');
    const storeE = h.registry.current()[0];
    writeFileSync(path, JSON.stringify(backendJson([{ id: e, dequeueOnly: true }, { id: g }])));
    await eventually(() => expect(h.registry.current().map((s) => s.name)).toEqual([`${e}`, `${e}d1`, `${g}`, `${g}d1`]), { timeoutMs: 10_000 });
    expect(h.registry.current()[0]).toBe(storeE);
    expect(storeE?.dequeueOnly).toBe(true);
    await eventually(async () => {
      const raw = await rawConnection();
      try {
        const dbs = await selectRows(raw, 'SHOW DATABASES LIKE ?', [`plq\\_${g}%`]);
        expect(dbs.map((r) => Object.values(r)[0]).sort()).toEqual([`plq_${g}_rq`, `plq_${g}_rq_two`, `plq_${g}d1_rq`, `plq_${g}d1_rq_two`]);
      } finally {
        await raw.end();
      }
    }, { timeoutMs: 10_000 });
    const descriptors = await h.backend.enqueueJobs({ queue: 'rq', jobs: jobs(20) });
    expect(new Set(descriptors.map(shardOf))).toEqual(new Set([`${g}`, `${g}d1`]));
    const before = h.registry.current();
    const rejectedBefore = h.configWatcher?.outcomes().rejected ?? 0;
    writeFileSync(path, '{ not json');
    // A bad file keeps the old config: wait until the watcher has read it and rejected it.
    await eventually(() => expect(h.configWatcher?.outcomes().rejected).toBe(rejectedBefore + 1), { timeoutMs: 10_000 });
    expect(h.registry.current()).toBe(before); // the same shard list: nothing was re-applied
  });

  it('applies a reload that removes a dead instance, reading the queue list from a shard that answers', async () => {
    const [alive, dead, added] = ids(3) as [number, number, number];
    const deadPort = await freePort(); // free a moment ago, so nothing listens there
    const path = join(tmp, 'mysql-dead.json');
    writeFileSync(path, JSON.stringify(backendJson([{ id: alive }, { id: dead, port: deadPort }])));
    const h = await start({
      instances: [{ id: alive }, { id: dead, port: deadPort }],
      backendConfigPath: path,
      settings: mysqlTestSettings({ autoRetries: 0 }, { configReloadMs: 50 }),
      internals: { random: () => 0 }, // the listing tries the dead shard first
    });
    await expect(h.backend.createQueue('dq')).rejects.toMatchObject({ code: ErrorCode.UNKNOWN }); // created on the alive shard only
    writeFileSync(path, JSON.stringify(backendJson([{ id: alive }, { id: added }])));
    await eventually(() => expect(h.registry.current().map((s) => s.name)).toEqual([`${alive}`, `${added}`]), { timeoutMs: 10_000 });
    await eventually(async () => expect(await h.registry.current()[1]!.listQueues()).toEqual(new Set(['dq'])), { timeoutMs: 10_000 });
  });
});
