/**
 * `pinlater-ops shadow start|stop|status`, and `migrate start` from shadow mode (issue 13;
 * migration/src/cli/shadow-*.ts) with the operator's environment, each run in this process
 * (ops-cli-in-process.ts: the `runPinlaterOps` the bin runs, stdin not a terminal; the bin's own
 * process is ops-cli.test.ts's), against a legacy PinLater Redis cluster and Pacer (embedded),
 * each in a fresh namespace, and the routing table in a fresh ZooKeeper chroot
 * (routing-fixtures.ts). A gateway-side route source
 * (ZkRouteSource, the one routing gateways run) reads the same table: it serves the shadow route
 * and publishes the table version it applied, which `shadow stop` waits for before it deletes
 * the shadow copies. Shadow copies are put into the shadow queue directly through Pacer (what a
 * gateway's shadow writer does). Effects are checked in the systems themselves: the routing
 * store, Pacer's database, the migration rows. The tests share that state and run in order.
 * The seed of a queue's backlog at `shadow start` is judged by a shadow engine (the one gateways
 * run) comparing legacy with the seeded copy.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { silentLogger } from '../../core/src/logging/logger';
import { ShadowEngine } from '../../core/src/shadow/shadow-engine';
import { shadowQueueName } from '../../core/src/shadow/shadow-queue-name';
import { DEFAULT_SHADOW_SETTINGS } from '../../core/src/shadow/shadow-settings';
import { JobState } from '../../core/src/types/job-state';
import { systemClock } from '../../core/src/util/clock';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { createLegacyRedisBackend } from '../../legacy-adapter';
import { createMysqlPool, createPacerBackend, MigrationStateStore, type PacerBackend } from '../../pacer/index';
import { serializePresence } from '../../migration/src/routing/gateway-presence';
import { RoutingPaths } from '../../migration/src/routing/routing-paths';
import { ZkRouteSource } from '../../migration/src/routing/zk-route-source';
import { TABLES } from '../../pacer/src/datastore/tables';
import type { Pool } from 'mysql2/promise';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { legacyOptions, legacySettings } from '../conformance/backends/legacy-settings';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { withMysql } from '../support/mysql';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { writeShippedProperties } from '../support/shipped-properties';
import { testEnv } from '../support/test-env';
import { expectHelpPages, runOps, startOps } from './ops-cli-in-process';
import { jsonOf } from './ops-cli-runner';
import { dequeueReq, freshPacerDb, job, pacerQueueNames, type PacerDb } from './pacer-fixtures';
import { routingTable, TEST_OPERATOR, type RoutingTableFixture } from './routing-fixtures';

jest.setTimeout(60_000);

const REDIS = 'redis-a';
const NS = { label: 'ops-cli-shadow', monitor: {} };
const paths = new RoutingPaths();

const redisShards = [`${uniqueShardBase()}s`];
let dir: string;
let pacerDb: PacerDb;
let table: RoutingTableFixture;
let directRedis: PinLaterBackend;
let directPacer: PacerBackend;
let pool: Pool;
let states: MigrationStateStore;
let gateway: ZkRouteSource;
let readEnv: Record<string, string>;
let writeEnv: Record<string, string>;
let noPacerEnv: Record<string, string>;

function writeConfigFiles(): void {
  const { host, port, user, password } = testEnv().mysql;
  writeFileSync(join(dir, 'redis.json'), JSON.stringify(redisBackendConfig(redisShards, [])));
  writeShippedProperties(join(dir, 'redis.properties'), 'redis.local.properties', { GATEWAY_MONITOR_ENABLED: 'false', BACKEND_CONNECTIONS_PER_SHARD: '2' });
  writeFileSync(join(dir, 'pacer.json'), JSON.stringify({ mode: 'embedded', mysql: { host, port, user, password, database: pacerDb.db.name, connectionLimit: 2 }, defaultPartitions: 1 }));
  const legacyClusters = [{ name: REDIS, backend: 'legacy-redis', backendConfig: 'redis.json', properties: 'redis.properties' }];
  writeFileSync(join(dir, 'routing.json'), JSON.stringify({ legacyClusters, pacer: { backendConfig: 'pacer.json' }, routing: { zookeeper: table.connectString, defaultDestination: 'pacer' } }));
  writeFileSync(join(dir, 'routing-no-pacer.json'), JSON.stringify({ legacyClusters, routing: { zookeeper: table.connectString, defaultDestination: REDIS } }));
  writeFileSync(join(dir, 'operator.credential'), `${TEST_OPERATOR.authText()}\n`);
}

async function pacerJobsOf(queue: string): Promise<number> {
  const [rows] = await withMysql((db) => db.query(`SELECT COUNT(*) AS n FROM ${TABLES.jobs} WHERE queue = ?`, [queue]), pacerDb.db.name);
  return Number((rows as Array<{ n: number }>)[0]?.n ?? -1);
}

/** What a gateway's shadow writer does on each enqueue of a queue in shadow mode. */
async function addShadowCopies(queue: string, n: number): Promise<void> {
  await directPacer.enqueueJobs({ queue: shadowQueueName(queue), jobs: Array.from({ length: n }, (_, i) => job(`copy-${i}`)) });
}

async function gatewayApplied(): Promise<void> {
  const tableVersion = await table.store.tableVersion();
  await eventually(() => expect(gateway.status().appliedVersion).toBe(tableVersion), { timeoutMs: 10_000 });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ops-cli-shadow-'));
  [pacerDb, table] = await Promise.all([freshPacerDb(), routingTable()]);
  directRedis = await createLegacyRedisBackend(legacyOptions(NS, redisBackendConfig(redisShards, []), legacySettings(NS)));
  directPacer = await createPacerBackend({ mysql: pacerDb.mysql, topology: { mode: 'embedded' }, applyMigrations: false, defaultPartitions: 1 });
  pool = createMysqlPool({ ...pacerDb.mysql, connectionLimit: 2, connectTimeoutMs: 5000 });
  states = new MigrationStateStore(pool, systemClock);
  for (const queue of ['sh_main', 'sh_behind', 'sh_mig', 'sh_nopacer']) await directRedis.createQueue(queue);
  await directRedis.enqueueJobs({ queue: 'sh_mig', jobs: [job('legacy-job')] });
  writeConfigFiles();
  readEnv = { PINLATER_ROUTING_CONFIG: join(dir, 'routing.json') };
  writeEnv = { ...readEnv, PINLATER_ROUTING_CREDENTIAL_FILE: join(dir, 'operator.credential') };
  noPacerEnv = { PINLATER_ROUTING_CONFIG: join(dir, 'routing-no-pacer.json'), PINLATER_ROUTING_CREDENTIAL_FILE: join(dir, 'operator.credential') };
  gateway = ZkRouteSource.start({ zookeeper: { connectString: table.connectString, sessionTimeoutMs: 10_000 }, gatewayId: 'gw-shadow', logger: silentLogger() });
  await eventually(() => expect(gateway.status()).toMatchObject({ loaded: true }), { timeoutMs: 10_000 });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await pool?.end();
  await directPacer?.close();
  await directRedis?.close();
  rmSync(dir, { recursive: true, force: true });
  await releaseNamespace(redisKeysNamespace(redisShards.flatMap(redisShardKeyPatterns)));
  await pacerDb?.db.drop();
  await table?.release();
}, 60_000);
afterAll(assertNoLeaks);

/** The live gateway applies a change within milliseconds: the command may have waited for it, and says so. */
const WAITED_AT_MOST_FOR_THE_GATEWAY = /^(Waiting up to 30 s for gateway\(s\) gw-shadow to apply routing table version \d+\.\n)?$/;

interface StartJson { written: boolean; record: { mode: string; legacyCluster: string; version: number }; pinned: { mode: string } | null; tableVersion: number; shadowQueue: string }
interface Removal { shadowQueue: string; existed: boolean; removed: number }
interface SeedJson { written: boolean; seed: { seeded: number; pending: number; failed: number; newer: number; createdBefore: string } | null; gatewaysBehind?: string[] }

/** Per state (and pending ready/future): the counts of `queue` on `backend`. */
async function countsOf(backend: PinLaterBackend, queue: string): Promise<Record<string, number>> {
  const n = (state: JobState, future = false): Promise<number> => backend.getJobCount({ queue, state, future });
  return { ready: await n(JobState.PENDING), future: await n(JobState.PENDING, true), inProgress: await n(JobState.IN_PROGRESS), failed: await n(JobState.FAILED) };
}

describe('pinlater-ops shadow without services', () => {
  it('answers --help with examples and exit codes for shadow, shadow start, stop and status; migrate start documents leaving shadow', async () => {
    const commands = [['shadow'], ['shadow', 'start'], ['shadow', 'stop'], ['shadow', 'status'], ['migrate', 'start']];
    const runs = await expectHelpPages(commands);
    expect(runs[0]?.stdout).toContain('pinlater-ops shadow stop <queue>      shadow -> legacy, then removes the shadow copies');
    expect(runs[2]?.stdout).toMatch(/ {2}10 {2}incomplete: the record was written/);
    expect(runs[2]?.stdout).toContain('--gateway-wait <s>');
    expect(runs[4]?.stdout).toContain('shadow queue zz_pacer_shadow__<queue> is deleted from Pacer');
    const top = await runOps(['--help']);
    expect(top.stdout).toMatch(/\n {2}shadow {2,}shadow mode: copy a legacy queue's traffic to/);
  });

  it('refuses a queue name that is not a PinLater name as a usage error (64)', async () => {
    const run = await runOps(['shadow', 'start', 'bad-name', '--yes'], writeEnv);
    expect(run.code).toBe(64);
  });
});

describe('pinlater-ops shadow against the systems', () => {
  it('shadow start refuses, each with its reason and exit code: Pacer not configured (4), a name too long for its shadow name (4), a queue on Pacer (4), a migrating queue (8)', async () => {
    const tooLong = `q${'x'.repeat(83)}`; // 84 characters: zz_pacer_shadow__ (17) + 84 > 100
    await table.store.write('sh_onpacer', { mode: 'pacer', legacyCluster: null, changedBy: 'test', reason: 'born on pacer' }, 0);
    await table.store.write('sh_migrating', { mode: 'legacy', legacyCluster: REDIS, changedBy: 'test', reason: 'test' }, 0);
    await table.store.write('sh_migrating', { mode: 'migrating', direction: 'to-pacer', legacyCluster: REDIS, changedBy: 'test', reason: 'test' }, 1);
    const [noPacer, long, onPacer, migrating] = await Promise.all([
      runOps(['shadow', 'start', 'sh_nopacer', '--yes', '--json'], noPacerEnv),
      runOps(['shadow', 'start', tooLong, '--yes'], writeEnv),
      runOps(['shadow', 'start', 'sh_onpacer', '--yes'], writeEnv),
      runOps(['shadow', 'start', 'sh_migrating', '--yes'], writeEnv),
    ]);
    expect(noPacer.code).toBe(4);
    expect(noPacer.stderr).toContain("cannot start shadowing queue 'sh_nopacer': pacer-configured: the routing config has no Pacer");
    expect(jsonOf<{ error: { code: string; preconditions: Array<{ name: string; holds: boolean }> } }>(noPacer).error).toMatchObject({ code: 'REFUSED' });
    expect(long.code).toBe(4);
    expect(long.stderr).toContain(`cannot start shadowing queue '${tooLong}': shadow-queue-available: the name has 84 characters; a queue with a shadow copy has at most 83`);
    expect(onPacer.code).toBe(4);
    expect(onPacer.stderr).toContain("cannot start shadowing queue 'sh_onpacer': legacy-record: it is on Pacer already");
    expect(migrating.code).toBe(8);
    expect(migrating.stderr).toContain('legacy-record: it is migrating to-pacer already');
    expect(await table.store.read('sh_nopacer')).toBeUndefined();
    expect((await pacerQueueNames(pacerDb)).filter((q) => q.startsWith('zz_'))).toEqual([]);
  });

  it('shadow start without --yes and without a terminal is refused (3) and writes nothing', async () => {
    const run = await runOps(['shadow', 'start', 'sh_main'], writeEnv);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(`creates:  the shadow queue ${shadowQueueName('sh_main')} on pacer`);
    expect(await table.store.read('sh_main')).toBeUndefined();
    expect(await pacerQueueNames(pacerDb)).not.toContain(shadowQueueName('sh_main'));
  });

  it('shadow start pins the queue, creates the shadow queue in Pacer and writes the shadow record; a gateway serves the shadow route; a second start changes nothing', async () => {
    const run = await runOps(['shadow', 'start', 'sh_main', '--yes', '--json', '--by', 'alice', '--reason', 'compare first'], writeEnv);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(WAITED_AT_MOST_FOR_THE_GATEWAY); // it seeds once the live gateway applied the record
    expect(jsonOf<StartJson & SeedJson>(run)).toMatchObject({
      written: true, pinned: { mode: 'legacy' }, record: { mode: 'shadow', legacyCluster: REDIS, version: 2 }, shadowQueue: shadowQueueName('sh_main'), seed: { seeded: 0 },
    });
    expect(await table.store.read('sh_main')).toMatchObject({ mode: 'shadow', legacyCluster: REDIS, version: 2, changedBy: 'alice', reason: 'compare first' });
    expect(await pacerQueueNames(pacerDb)).toEqual([shadowQueueName('sh_main')]); // only the shadow queue: the queue's own Pacer queue is not created
    await eventually(() => expect(gateway.routeOf('sh_main')).toEqual({ mode: 'shadow', legacyCluster: REDIS }), { timeoutMs: 10_000 });
    expect(gateway.status().queuesByMode).toMatchObject({ shadow: 1 });

    const again = await runOps(['shadow', 'start', 'sh_main', '--yes'], writeEnv);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('is in shadow mode already (record version 2');
    expect((await table.store.read('sh_main'))?.version).toBe(2);
  });

  it('route refuses a queue in shadow mode (4); status does not list the shadow queue as a queue; history shows the shadow record', async () => {
    const [route, status, history] = await Promise.all([
      runOps(['route', 'sh_main', '--to', 'pacer', '--yes'], writeEnv), runOps(['status', '--json'], readEnv), runOps(['history', 'sh_main'], readEnv),
    ]);
    expect(route.code).toBe(4);
    expect(route.stderr).toContain("queue 'sh_main' is in mode shadow: leave it with `pinlater-ops shadow stop sh_main`");
    const report = jsonOf<{ records: Array<{ queue: string; mode: string }>; unrouted: Array<{ queue: string }>; problems: unknown[] }>(status);
    expect(report.records).toContainEqual(expect.objectContaining({ queue: 'sh_main', mode: 'shadow' }));
    expect(report.unrouted.map((u) => u.queue)).not.toContain(shadowQueueName('sh_main'));
    expect(history.stdout).toMatch(/sh_main\s+legacy redis-a v1\s+shadow redis-a v2\s+alice\s+compare first/);
  });

  it('shadow status lists the queue in shadow mode, and counts its shadow copies when the queue is named', async () => {
    await addShadowCopies('sh_main', 3);
    const [all, one] = await Promise.all([runOps(['shadow', 'status', '--json'], readEnv), runOps(['shadow', 'status', 'sh_main'], readEnv)]);
    expect({ code: all.code, stderr: all.stderr }).toEqual({ code: 0, stderr: '' });
    expect(jsonOf<{ queues: unknown[] }>(all).queues).toEqual([
      expect.objectContaining({ queue: 'sh_main', state: 'shadowing', shadowQueue: shadowQueueName('sh_main'), shadowQueueExists: true, copies: null }),
    ]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('shadow copies of sh_main: 3 pending (3 ready, 0 future)');
  });

  it('shadow stop writes legacy, waits for the live gateway to apply it, then deletes the shadow queue and reports the copies it removed', async () => {
    const run = await runOps(['shadow', 'stop', 'sh_main', '--yes', '--json', '--by', 'bob'], writeEnv);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(WAITED_AT_MOST_FOR_THE_GATEWAY);
    const out = jsonOf<{ written: boolean; record: { mode: string; version: number }; tableVersion: number; removal: Removal }>(run);
    expect(out).toMatchObject({ written: true, record: { mode: 'legacy', version: 3 }, removal: { existed: true, removed: 3, shadowQueue: shadowQueueName('sh_main') } });
    expect(gateway.status().appliedVersion).toBeGreaterThanOrEqual(out.tableVersion); // it had applied the change before the copies went
    expect(gateway.routeOf('sh_main')).toEqual({ mode: 'legacy', cluster: REDIS });
    expect(await table.store.read('sh_main')).toMatchObject({ mode: 'legacy', legacyCluster: REDIS, version: 3, changedBy: 'bob' });
    expect(await pacerQueueNames(pacerDb)).not.toContain(shadowQueueName('sh_main'));
    expect(await pacerJobsOf(shadowQueueName('sh_main'))).toBe(0);

    const again = await runOps(['shadow', 'stop', 'sh_main', '--yes'], writeEnv);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('is not in shadow mode (legacy on redis-a) and has no shadow queue in Pacer: nothing to change');
  });

  it('shadow stop with a gateway behind: exit 10 after --gateway-wait, the record legacy and the shadow queue kept; run again once it caught up, it removes the shadow queue', async () => {
    expect((await runOps(['shadow', 'start', 'sh_behind', '--yes'], writeEnv)).code).toBe(0);
    await addShadowCopies('sh_behind', 2);
    await gatewayApplied();
    const tableVersion = await table.store.tableVersion();
    const presencePath = paths.gateway('gw-behind');
    const presence = (appliedVersion: number): Buffer => serializePresence({
      format: 1, gatewayId: 'gw-behind', host: 'host-b', pid: 7, startedAt: '2026-01-02T03:04:05.000Z', appliedVersion, loaded: true, updatedAt: new Date().toISOString(),
    });
    const session: ZkClient = await table.connect();
    await session.create(presencePath, presence(tableVersion), 'ephemeral'); // it applied the shadow record, and stops there
    try {
      const stopped = await runOps(['shadow', 'stop', 'sh_behind', '--yes', '--json', '--gateway-wait', '1'], writeEnv);
      expect(stopped.code).toBe(10);
      expect(stopped.stderr).toContain(`the routing record of queue 'sh_behind' was written, but gateway(s) gw-behind (applied ${tableVersion}) have not applied routing table version ${tableVersion + 1} after 1 s`);
      expect(stopped.stderr).toContain('run `pinlater-ops shadow stop sh_behind` once they caught up');
      expect(jsonOf<{ error: { code: string; written: boolean; record: { mode: string } } }>(stopped).error).toMatchObject({ code: 'INCOMPLETE', written: true, record: { mode: 'legacy' } });
      expect(await table.store.read('sh_behind')).toMatchObject({ mode: 'legacy' });
      expect(await pacerQueueNames(pacerDb)).toContain(shadowQueueName('sh_behind'));

      const leftOver = await runOps(['shadow', 'status', '--json'], readEnv);
      expect(leftOver.code).toBe(2);
      expect(jsonOf<{ queues: unknown[] }>(leftOver).queues).toEqual([expect.objectContaining({ queue: 'sh_behind', state: 'left over' })]);

      const finishing = startOps(['shadow', 'stop', 'sh_behind', '--yes'], writeEnv);
      await eventually(() => expect(finishing.output().stderr).toContain(`Waiting up to 30 s for gateway(s) gw-behind to apply routing table version ${tableVersion + 1}.`), { timeoutMs: 20_000 });
      expect(await pacerQueueNames(pacerDb)).toContain(shadowQueueName('sh_behind'));
      await session.set(presencePath, presence(tableVersion + 1));
      const finished = await finishing.done;
      expect(finished.code).toBe(0);
      expect(finished.stdout).toContain('left:     its shadow queue zz_pacer_shadow__sh_behind on pacer (the queue is not in shadow mode)');
      expect(finished.stdout).toContain('Removed the shadow queue zz_pacer_shadow__sh_behind from pacer: 2 shadow copies.');
      expect(await pacerQueueNames(pacerDb)).not.toContain(shadowQueueName('sh_behind'));
      expect((await table.store.read('sh_behind'))?.version).toBe(3); // the second run wrote no record
    } finally {
      await session.delete(presencePath);
    }
  });

  it('migrate start from shadow writes migrating (to-pacer), then removes the shadow queue once the gateway applied it', async () => {
    const started = await runOps(['shadow', 'start', 'sh_mig', '--yes'], writeEnv);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/Seeded the shadow copy with 1 job from before shadow mode \(1 pending, 0 failed; created before \d{4}-\d\d-\d\dT[\d:.]+Z\)\./); // its legacy-job
    await addShadowCopies('sh_mig', 2);
    const dry = await runOps(['migrate', 'start', 'sh_mig', '--dry-run'], readEnv);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('now:      shadow on redis-a (shadow copies in pacer)');
    expect(dry.stdout).toContain(`shadow:   leaves shadow mode; its shadow queue ${shadowQueueName('sh_mig')} on pacer is deleted`);

    const run = await runOps(['migrate', 'start', 'sh_mig', '--yes', '--json'], writeEnv);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(WAITED_AT_MOST_FOR_THE_GATEWAY);
    const out = jsonOf<{ record: { mode: string; direction: string; version: number }; tableVersion: number; planned: number; shadowRemoval: Removal; row: { migrationId: string } }>(run);
    expect(out).toMatchObject({ record: { mode: 'migrating', direction: 'to-pacer', version: 3 }, planned: 1, shadowRemoval: { existed: true, removed: 3 } }); // the seeded copy and 2 from gateways
    expect(gateway.status().appliedVersion).toBeGreaterThanOrEqual(out.tableVersion);
    expect(gateway.routeOf('sh_mig')).toEqual({ mode: 'migrating', legacyCluster: REDIS, direction: 'to-pacer' });
    expect(await states.get('sh_mig')).toMatchObject({ migrationId: out.row.migrationId, status: 'copying', direction: 'to-pacer' });
    const names = await pacerQueueNames(pacerDb);
    expect(names).toContain('sh_mig'); // the queue's own Pacer queue, which the copier fills
    expect(names).not.toContain(shadowQueueName('sh_mig'));
    expect(await pacerJobsOf('sh_mig')).toBe(0); // no shadow copy ever reached the served queue
  });

  it('shadow start seeds the shadow copy with the backlog from before the record (pending ready and future, failed, every priority; not in progress), only once; getJobCount comparisons then match', async () => {
    const queue = 'sh_seed';
    await directRedis.createQueue(queue);
    await directRedis.enqueueJobs({ queue, jobs: [job('fails', { attemptsAllowed: 1 }), job('runs')] });
    const taken = (await directRedis.dequeueJobs(dequeueReq(queue, 2))).jobs;
    const failing = taken.find((j) => j.body.toString() === 'fails')?.descriptor ?? '';
    await directRedis.ackDequeuedJobs({ queue, succeeded: [], failed: [{ descriptor: failing, appendCustomStatus: '', retryDelayMs: 0 }] });
    const runAfterMs = Date.now() + 3_600_000;
    // Ready jobs run from a second ago: Redis counts a score equal to now as both current and
    // future (FACTS §11.26), so jobs enqueued for "now" and counted in the same millisecond are future too.
    const ready = { runAfterMs: Date.now() - 1000 };
    await directRedis.enqueueJobs({ queue, jobs: [job('p1', ready), job('p2', { ...ready, priority: 2 }), job('p3', { ...ready, priority: 3, attemptsAllowed: 5, customStatus: 'cs' }), job('later', { runAfterMs })] });
    const legacy = await countsOf(directRedis, queue);
    expect(legacy).toEqual({ ready: 3, future: 1, inProgress: 1, failed: 1 });

    const run = await runOps(['shadow', 'start', queue, '--yes', '--json'], writeEnv);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(WAITED_AT_MOST_FOR_THE_GATEWAY);
    expect(jsonOf<SeedJson>(run)).toMatchObject({ written: true, seed: { seeded: 5, pending: 4, failed: 1, newer: 0 }, gatewaysBehind: [] });
    const shadow = shadowQueueName(queue);
    expect(await countsOf(directPacer, shadow)).toEqual({ ...legacy, inProgress: 0 }); // a job in progress has no copy: no worker would ack it
    const copies = (await Promise.all([1, 2, 3].map((priority) => directPacer.exportJobs({ queue: shadow, state: JobState.PENDING, priority, limit: 10 })))).flatMap((p) => p.jobs);
    expect(copies.map((c) => [c.body.toString(), c.priority, c.attemptsAllowed, c.attemptsRemaining, c.customStatus]).sort()).toEqual([
      ['later', 1, 2, 2, ''], ['p1', 1, 2, 2, ''], ['p2', 2, 2, 2, ''], ['p3', 3, 5, 5, 'cs'],
    ]);
    expect(Math.abs((copies.find((c) => c.body.toString() === 'later')?.runAfterMs ?? 0) - runAfterMs)).toBeLessThan(1000);

    // What a gateway compares for a queue in shadow mode: legacy's answer against the seeded copy.
    const engine = new ShadowEngine({ pacer: directPacer, settings: { ...DEFAULT_SHADOW_SETTINGS, maxEventLoopUtilization: 1, copyMaxEventLoopUtilization: 1 }, clock: systemClock, logger: silentLogger() });
    try {
      expect(await engine.getJobCount({ queue, state: JobState.PENDING, future: false }, directRedis)).toBe(3);
      await engine.getJobCount({ queue, state: JobState.PENDING, future: true }, directRedis);
      await engine.getJobCount({ queue, state: JobState.FAILED, future: false }, directRedis);
      await eventually(() => expect(engine.report(queue)?.methods).toEqual([expect.objectContaining({ method: 'getJobCount', matched: 3, mismatched: 0, candidateErrors: 0 })]));
    } finally {
      await engine.close();
    }

    const again = await runOps(['shadow', 'start', queue, '--yes', '--json'], writeEnv);
    expect(again.code).toBe(0);
    expect(jsonOf<SeedJson>(again)).toMatchObject({ written: false, seed: null });
    expect(await countsOf(directPacer, shadow)).toEqual({ ...legacy, inProgress: 0 }); // not seeded twice
    const stopped = await runOps(['shadow', 'stop', queue, '--yes', '--json'], writeEnv);
    expect(jsonOf<{ removal: Removal }>(stopped).removal).toMatchObject({ existed: true, removed: 5 });
  });

  it('a shadow record that cannot be left by route or rollback: rollback refuses it (4)', async () => {
    expect((await runOps(['shadow', 'start', 'sh_nopacer', '--yes'], writeEnv)).code).toBe(0);
    const rollback = await runOps(['rollback', 'sh_nopacer', '--yes'], writeEnv);
    expect(rollback.code).toBe(4);
    expect(rollback.stderr).toContain('its record is shadow on redis-a (shadow copies in pacer), which a rollback does not start from');
    expect((await runOps(['shadow', 'stop', 'sh_nopacer', '--yes'], writeEnv)).code).toBe(0);
  });
});
