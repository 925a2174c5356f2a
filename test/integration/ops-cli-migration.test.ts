/**
 * The migration commands of `pinlater-ops` (plan, migrate start/pause/resume/rate/status,
 * rollback, verify, finalize; migration/src/cli/) with the operator's environment, each run in this
 * process (ops-cli-in-process.ts: the `runPinlaterOps` the bin runs, stdin not a terminal), Ctrl-C
 * through the bin's own process (ops-cli-runner.ts), against a legacy PinLater Redis cluster and
 * Pacer (embedded), each in a fresh namespace, and the routing table in a fresh ZooKeeper chroot
 * (routing-fixtures.ts), as in ops-cli.test.ts.
 *
 * No copier runs here (its tests are migration/src/copier's): where a test needs what the copier
 * would have done (a moved job in the ledger, the flip to `pacer` with the row `complete`), it
 * does exactly that through the stores and the routing store, and says so. Every effect is checked
 * in the systems themselves (the routing store, the migration rows, Pacer's database, the legacy
 * backend). The tests share that state and run in order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'mysql2/promise';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import type { MigrationRow } from '../../core/src/migration/migration-state';
import { JobState } from '../../core/src/types/job-state';
import { systemClock } from '../../core/src/util/clock';
import { createLegacyRedisBackend } from '../../legacy-adapter';
import { createMysqlPool, MigrationStateStore, MoveLedgerStore } from '../../pacer/index';
import { serializePresence } from '../../migration/src/routing/gateway-presence';
import { RoutingPaths } from '../../migration/src/routing/routing-paths';
import { TABLES } from '../../pacer/src/datastore/tables';
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
import { jsonOf, startCli } from './ops-cli-runner';
import { dequeueReq, freshPacerDb, job, pacerQueueNames, type PacerDb } from './pacer-fixtures';
import { routingTable, TEST_OPERATOR, type RoutingTableFixture } from './routing-fixtures';

jest.setTimeout(60_000);

const REDIS = 'redis-a';
const NS = { label: 'ops-cli-migration', monitor: {} };
const HOUR_MS = 3_600_000;

const redisShards = [`${uniqueShardBase()}m`];
let dir: string;
let pacerDb: PacerDb;
let table: RoutingTableFixture;
let directRedis: PinLaterBackend;
let pool: Pool;
let states: MigrationStateStore;
let ledger: MoveLedgerStore;
let readEnv: Record<string, string>;
let writeEnv: Record<string, string>;

function writeConfigFiles(): void {
  const { host, port, user, password } = testEnv().mysql;
  writeFileSync(join(dir, 'redis.json'), JSON.stringify(redisBackendConfig(redisShards, [])));
  // PinLater's shipped properties: ADMIN_PASSWORD_HASH is the hash of "secret".
  writeShippedProperties(join(dir, 'redis.properties'), 'redis.local.properties', { GATEWAY_MONITOR_ENABLED: 'false', BACKEND_CONNECTIONS_PER_SHARD: '2' });
  writeFileSync(join(dir, 'pacer.json'), JSON.stringify({ mode: 'embedded', mysql: { host, port, user, password, database: pacerDb.db.name, connectionLimit: 2 }, defaultPartitions: 1 }));
  writeFileSync(join(dir, 'routing.json'), JSON.stringify({
    legacyClusters: [{ name: REDIS, backend: 'legacy-redis', backendConfig: 'redis.json', properties: 'redis.properties' }],
    pacer: { backendConfig: 'pacer.json' },
    routing: { zookeeper: table.connectString, defaultDestination: 'pacer' },
  }));
  writeFileSync(join(dir, 'operator.credential'), `${TEST_OPERATOR.authText()}\n`);
  writeFileSync(join(dir, 'admin.password'), 'secret\n');
  writeFileSync(join(dir, 'wrong.password'), 'not-secret\n');
}

async function row(queue: string): Promise<MigrationRow> {
  const found = await states.get(queue);
  if (found === undefined) throw new Error(`no migration row for ${queue}`);
  return found;
}

/**
 * mig_plan on Redis, counted per state and priority:
 *   p1: 3 PENDING ready, 2 PENDING future; p2: 1 IN_PROGRESS, 2 SUCCEEDED, 1 FAILED; p3: 1 PENDING ready.
 */
async function fillPlanQueue(): Promise<void> {
  await directRedis.createQueue('mig_plan');
  await directRedis.enqueueJobs({ queue: 'mig_plan', jobs: [1, 2, 3, 4].map((i) => job(`p2-${i}`, { priority: 2, attemptsAllowed: 1 })) });
  const taken = (await directRedis.dequeueJobs(dequeueReq('mig_plan', 4))).jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 }));
  expect(taken).toHaveLength(4);
  await directRedis.ackDequeuedJobs({ queue: 'mig_plan', succeeded: taken.slice(0, 2), failed: taken.slice(2, 3) }); // the 4th stays IN_PROGRESS
  const future = Date.now() + HOUR_MS;
  await directRedis.enqueueJobs({
    queue: 'mig_plan',
    jobs: [job('r1'), job('r2'), job('r3'), job('f1', { runAfterMs: future }), job('f2', { runAfterMs: future }), job('p3', { priority: 3 })],
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ops-cli-migration-'));
  [pacerDb, table] = await Promise.all([freshPacerDb(), routingTable()]);
  directRedis = await createLegacyRedisBackend(legacyOptions(NS, redisBackendConfig(redisShards, []), legacySettings(NS)));
  pool = createMysqlPool({ ...pacerDb.mysql, connectionLimit: 2, connectTimeoutMs: 5000 });
  states = new MigrationStateStore(pool, systemClock);
  ledger = new MoveLedgerStore(pool, systemClock);
  await fillPlanQueue();
  await directRedis.createQueue('mig_fin');
  await directRedis.enqueueJobs({ queue: 'mig_fin', jobs: [job('late')] });
  writeConfigFiles();
  readEnv = { PINLATER_ROUTING_CONFIG: join(dir, 'routing.json') };
  writeEnv = { ...readEnv, PINLATER_ROUTING_CREDENTIAL_FILE: join(dir, 'operator.credential') };
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await directRedis?.close();
  rmSync(dir, { recursive: true, force: true });
  await releaseNamespace(redisKeysNamespace(redisShards.flatMap(redisShardKeyPatterns)));
  await pacerDb?.db.drop();
  await table?.release();
}, 60_000);
afterAll(assertNoLeaks);

interface Counts { pendingReady: number; pendingFuture: number; inProgress: number; succeeded: number; failed: number }

interface PlanJson {
  queue: string;
  from: string;
  to: string;
  counts: { system: string; present: boolean; byPriority: Array<Counts & { priority: number }>; totals: Counts & { total: number; movable: number }; taken: number; staged: number };
  moved: number;
  movedLater: number;
  ratePerS: number;
  estimatedSeconds: number;
  preconditions: Array<{ name: string; holds: boolean; detail: string }>;
  canStart: boolean;
}

describe('pinlater-ops migration commands without services', () => {
  it('answer --help with examples and their exit codes', async () => {
    const commands = [['plan'], ['migrate'], ['migrate', 'start'], ['migrate', 'pause'], ['migrate', 'resume'], ['migrate', 'rate'], ['migrate', 'status'], ['rollback'], ['verify'], ['finalize']];
    const runs = await expectHelpPages(commands);
    expect(runs[8]?.stdout).toMatch(/ {2}9 {2}mismatch:/); // verify
    expect(runs[2]?.stdout).toMatch(/ {2}8 {2}refused: the queue is migrating already/); // migrate start
  });

  it('refuses a bad rate as a usage error (64)', async () => {
    const [zero, huge] = await Promise.all([runOps(['plan', 'q', '--rate', '0']), runOps(['migrate', 'rate', 'q', '2000000'])]);
    expect(zero.code).toBe(64);
    expect(zero.stderr).toContain('expected a positive integer');
    expect(huge.code).toBe(64);
    expect(huge.stderr).toContain('expected at most 1000000 jobs/s');
  });
});

describe('pinlater-ops migration commands against the systems', () => {
  let firstId = '';

  it('plan counts the queue exactly per state and priority, estimates the time at the rate and lists the preconditions; reads only', async () => {
    const [json, text] = await Promise.all([runOps(['plan', 'mig_plan', '--rate', '2', '--json'], readEnv), runOps(['plan', 'mig_plan'], readEnv)]);
    expect({ code: json.code, stderr: json.stderr }).toEqual({ code: 0, stderr: '' });
    const plan = jsonOf<PlanJson>(json);
    expect(plan).toMatchObject({ queue: 'mig_plan', from: REDIS, to: 'pacer', moved: 9, movedLater: 1, ratePerS: 2, estimatedSeconds: 5, canStart: true });
    expect(plan.counts.byPriority).toEqual([
      { priority: 1, pendingReady: 3, pendingFuture: 2, inProgress: 0, succeeded: 0, failed: 0 },
      { priority: 2, pendingReady: 0, pendingFuture: 0, inProgress: 1, succeeded: 2, failed: 1 },
      { priority: 3, pendingReady: 1, pendingFuture: 0, inProgress: 0, succeeded: 0, failed: 0 },
    ]);
    expect(plan.counts).toMatchObject({ system: REDIS, present: true, taken: 0, staged: 0, totals: { pendingReady: 4, pendingFuture: 2, inProgress: 1, succeeded: 2, failed: 1, total: 10, movable: 9 } });
    expect(plan.preconditions.map((c) => [c.name, c.holds])).toEqual([
      ['legacy-record', true], ['legacy-cluster-known', true], ['pacer-configured', true], ['no-migration-in-progress', true],
    ]);
    expect(plan.preconditions[0]?.detail).toContain('no record; only redis-a holds it');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/ {2}1\s+3\s+2\s+0\s+0\s+0\n/);
    expect(text.stdout).toContain('IN_PROGRESS: 1 job(s), moved after their worker acks them or they time out');
    expect(text.stdout).toContain('estimated time at 2,000 jobs/s: 1s'); // the default rate
    expect(text.stdout).toContain('[ok] pacer-configured');
    expect(await table.store.read('mig_plan')).toBeUndefined();
    expect(await states.get('mig_plan')).toBeUndefined();
  });

  it('migrate start without --yes and without a terminal is refused (exit 3); --dry-run writes nothing and needs no credential', async () => {
    const [refused, dry] = await Promise.all([runOps(['migrate', 'start', 'mig_plan'], writeEnv), runOps(['migrate', 'start', 'mig_plan', '--dry-run', '--json'], readEnv)]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('stdin is not a terminal and --yes was not given; nothing was written');
    expect(refused.stdout).toContain('Migrate queue mig_plan to Pacer:');
    expect({ code: dry.code, stderr: dry.stderr }).toEqual({ code: 0, stderr: '' });
    expect(jsonOf<{ dryRun: boolean; written: boolean; pin: boolean; planned: number; legacyCluster: string }>(dry))
      .toMatchObject({ dryRun: true, written: false, pin: true, planned: 9, legacyCluster: REDIS });
    expect(await table.store.read('mig_plan')).toBeUndefined();
    expect(await states.get('mig_plan')).toBeUndefined();
    expect(await pacerQueueNames(pacerDb)).not.toContain('mig_plan');
  });

  it('migrate start pins the queue, creates it on Pacer, writes the migration row and the migrating record; a second start is refused (exit 8)', async () => {
    const run = await runOps(['migrate', 'start', 'mig_plan', '--rate', '100', '--yes', '--json', '--by', 'alice', '--reason', 'to pacer'], writeEnv);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const out = jsonOf<{ written: boolean; row: MigrationRow; record: { mode: string; direction: string; version: number }; pinned: { mode: string; version: number }; tableVersion: number }>(run);
    firstId = out.row.migrationId;
    expect(firstId).toMatch(/^mig_plan-\d{14}-[0-9a-f]{4}$/);
    expect(out).toMatchObject({ written: true, pinned: { mode: 'legacy', version: 1 }, record: { mode: 'migrating', direction: 'to-pacer', version: 2 } });
    expect(await row('mig_plan')).toMatchObject({ migrationId: firstId, direction: 'to-pacer', legacyCluster: REDIS, status: 'copying', paused: false, rateLimitPerS: 100 });
    expect(await table.store.read('mig_plan')).toMatchObject({ mode: 'migrating', direction: 'to-pacer', legacyCluster: REDIS, version: 2, changedBy: 'alice', reason: 'to pacer' });
    expect(await pacerQueueNames(pacerDb)).toContain('mig_plan');

    const again = await runOps(['migrate', 'start', 'mig_plan', '--yes', '--json'], writeEnv);
    expect(again.code).toBe(8);
    expect(again.stderr).toContain("cannot start migrating queue 'mig_plan': legacy-record: it is migrating to-pacer already");
    expect(jsonOf<{ error: { code: string }; exitCode: number }>(again)).toMatchObject({ error: { code: 'MIGRATION_ACTIVE' }, exitCode: 8 });
    expect((await row('mig_plan')).migrationId).toBe(firstId);
  });

  it('route refuses a migrating queue (exit 4); history shows the migrating record with its direction', async () => {
    const [route, history] = await Promise.all([runOps(['route', 'mig_plan', '--to', REDIS, '--yes'], writeEnv), runOps(['history', 'mig_plan'], readEnv)]);
    expect(route.code).toBe(4);
    expect(route.stderr).toContain('is in mode migrating (to-pacer)');
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/mig_plan\s+legacy redis-a v1\s+migrating to-pacer \(redis-a\) v2\s+alice\s+to pacer/);
  });

  it('migrate pause and resume flip the row, migrate rate sets it; each needs the operator credential and a migration', async () => {
    const pause = await runOps(['migrate', 'pause', 'mig_plan', '--yes', '--json'], writeEnv);
    expect({ code: pause.code, stderr: pause.stderr }).toEqual({ code: 0, stderr: '' });
    expect(jsonOf<{ written: boolean; before: { paused: boolean }; row: { paused: boolean } }>(pause)).toMatchObject({ written: true, before: { paused: false }, row: { paused: true } });
    expect((await row('mig_plan')).paused).toBe(true);

    const resume = await runOps(['migrate', 'resume', 'mig_plan', '--yes'], writeEnv);
    expect({ code: resume.code, stderr: resume.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await row('mig_plan')).paused).toBe(false);

    const rate = await runOps(['migrate', 'rate', 'mig_plan', '500', '--yes'], writeEnv);
    expect({ code: rate.code, stderr: rate.stderr }).toEqual({ code: 0, stderr: '' });
    expect(rate.stdout).toContain('change the rate limit from 100 to 500 jobs/s');
    expect((await row('mig_plan')).rateLimitPerS).toBe(500);

    const [noCredential, wrongCredential, noMigration, notConfirmed] = await Promise.all([
      runOps(['migrate', 'pause', 'mig_plan', '--yes'], readEnv),
      runOps(['migrate', 'pause', 'mig_plan', '--yes'], { ...readEnv, PINLATER_ROUTING_CREDENTIAL: 'routing-operator:not-the-secret' }),
      runOps(['migrate', 'pause', 'mig_nothing', '--yes'], writeEnv),
      runOps(['migrate', 'pause', 'mig_plan'], writeEnv),
    ]);
    expect(noCredential.code).toBe(1);
    expect(noCredential.stderr).toContain('routing operator credential is required');
    expect(wrongCredential.code).toBe(7);
    expect(noMigration.code).toBe(4);
    expect(noMigration.stderr).toContain("queue 'mig_nothing' has no migration");
    expect(notConfirmed.code).toBe(3);
    expect((await row('mig_plan')).paused).toBe(false);
  });

  it('migrate status reports the row, the routing record and the jobs left; --json shape', async () => {
    const [json, text] = await Promise.all([runOps(['migrate', 'status', '--json'], readEnv), runOps(['migrate', 'status', 'mig_plan'], readEnv)]);
    expect({ code: json.code, stderr: json.stderr }).toEqual({ code: 0, stderr: '' });
    const report = jsonOf<{ tableVersion: number; migrations: Array<Record<string, unknown>> }>(json);
    expect(report.migrations).toHaveLength(1);
    expect(report.migrations[0]).toMatchObject({
      queue: 'mig_plan', migrationId: firstId, direction: 'to-pacer', from: REDIS, to: 'pacer', status: 'copying', paused: false, state: 'copying',
      rateLimitPerS: 500, moved: { total: 0, pending: 0, failed: 0, succeeded: 0 }, lease: { owner: null, held: false },
      routing: { record: { mode: 'migrating', direction: 'to-pacer', version: 2 }, unreadable: false, firstSeenTableVersion: null },
      gatewaysBehind: [], remainingEstimate: 9, inProgressOnSource: 1, lastError: null,
    });
    expect(Object.keys(report.migrations[0] ?? {}).sort()).toEqual([
      'direction', 'etaSeconds', 'from', 'gatewaysBehind', 'inProgressOnSource', 'lastError', 'lease', 'legacyCluster', 'measuredRatePerS', 'migrationId', 'moved',
      'paused', 'queue', 'rateLimitPerS', 'remainingEstimate', 'routing', 'sourceEmptySince', 'startedAt', 'state', 'status', 'to', 'updatedAt',
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`mig_plan  migration ${firstId}  to-pacer (redis-a -> pacer)  copying`);
    expect(text.stdout).toContain('about 9 on redis-a (getJobCount), and 1 in progress there, ETA 1s');
  });

  it('verify matches while the ledger sums agree, and reports a mismatch (exit 9) once a target checksum is corrupted in SQL', async () => {
    // What a copier would have recorded for one moved job (under its lease, as the copier does).
    const fence = await states.acquireLease('mig_plan', 'test-copier', 60_000);
    if (fence === undefined) throw new Error('no lease');
    const source = `mig_plan:s${redisShards[0] ?? ''}:p1:1`;
    await ledger.record(firstId, fence, [{ sourceDescriptor: source, targetDescriptor: 'mig_plan:pacer-target-1', queue: 'mig_plan', state: JobState.PENDING, priority: 1, sourceChecksum: '0123456789abcdef', targetChecksum: '0123456789abcdef' }]);
    await states.releaseLease(fence);

    const good = await runOps(['verify', 'mig_plan', '--json'], readEnv);
    expect({ code: good.code, stderr: good.stderr }).toEqual({ code: 0, stderr: '' });
    expect(jsonOf<{ matches: boolean; ledger: { moved: number; mismatched: number }; problems: string[] }>(good)).toMatchObject({ matches: true, ledger: { moved: 1, mismatched: 0 }, problems: [] });

    await withMysql((db) => db.query(`UPDATE ${TABLES.jobMoves} SET target_checksum = 'ffffffffffffffff' WHERE migration_id = ?`, [firstId]), pacerDb.db.name);
    const [bad, text] = await Promise.all([runOps(['verify', 'mig_plan', '--json'], readEnv), runOps(['verify', 'mig_plan'], readEnv)]);
    expect(bad.code).toBe(9);
    const v = jsonOf<{
      migrationId: string; matches: boolean; checksumsMatch: boolean; exitCode: number; problems: string[];
      ledger: { moved: number; mismatched: number; sourceChecksum: string; targetChecksum: string };
      mismatches: Array<{ sourceDescriptor: string; targetChecksum: string }>;
      sides: { legacy: { system: string; totals: { total: number } }; pacer: { system: string; totals: { total: number } } };
    }>(bad);
    expect(v).toMatchObject({ migrationId: firstId, matches: false, checksumsMatch: false, exitCode: 9, ledger: { moved: 1, mismatched: 1 } });
    expect(v.ledger.sourceChecksum).not.toBe(v.ledger.targetChecksum);
    expect(v.mismatches).toEqual([expect.objectContaining({ sourceDescriptor: source, targetChecksum: 'ffffffffffffffff' })]);
    expect(v.sides).toMatchObject({ legacy: { system: REDIS, totals: { total: 10 } }, pacer: { system: 'pacer', totals: { total: 0 } } });
    expect(v.problems).toEqual([expect.stringContaining('checksum sums differ'), '1 moved job(s) differ from what was taken']);
    expect(text.code).toBe(9);
    expect(text.stdout).toContain(`${source} -> mig_plan:pacer-target-1 (pending, priority 1): 0123456789abcdef taken, ffffffffffffffff stored`);
    expect(text.stdout).toContain('MISMATCH:');
  });

  it('rollback from migrating (to-pacer) starts a to-legacy migration replacing the running one; a second rollback changes nothing', async () => {
    const refused = await runOps(['rollback', 'mig_plan'], writeEnv);
    expect(refused.code).toBe(3);
    const run = await runOps(['rollback', 'mig_plan', '--yes', '--json', '--by', 'bob'], writeEnv);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const out = jsonOf<{ written: boolean; replaced: string; row: MigrationRow; record: { mode: string; direction: string; version: number } }>(run);
    expect(out).toMatchObject({ written: true, replaced: firstId, record: { mode: 'migrating', direction: 'to-legacy', version: 3 } });
    expect(out.row.migrationId).not.toBe(firstId);
    expect(await row('mig_plan')).toMatchObject({ migrationId: out.row.migrationId, direction: 'to-legacy', legacyCluster: REDIS, status: 'copying', rateLimitPerS: 500 });
    expect(await table.store.read('mig_plan')).toMatchObject({ mode: 'migrating', direction: 'to-legacy', legacyCluster: REDIS, version: 3, changedBy: 'bob' });

    const again = await runOps(['rollback', 'mig_plan', '--yes'], writeEnv);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('is rolling back already');
    expect((await table.store.read('mig_plan'))?.version).toBe(3);
  });

  it('rollback is refused (exit 4) for a queue born on Pacer', async () => {
    await table.store.write('mig_born', { mode: 'pacer', legacyCluster: null, changedBy: 'test', reason: 'born on pacer' }, 0);
    const run = await runOps(['rollback', 'mig_born', '--yes'], writeEnv);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('it was born on Pacer: it has no legacy cluster to go back to');
    expect(await states.get('mig_born')).toBeUndefined();
  });

  it('finalize is refused while the record is migrating (4) and while the legacy side holds a job (5); then finalizes and deletes the legacy queue with its admin password', async () => {
    // --wait follows the row until the migration is complete (plain lines: stdout is not a terminal).
    const start = startOps(['migrate', 'start', 'mig_fin', '--yes', '--wait'], writeEnv);
    const migrationId = await eventually(async () => (await row('mig_fin')).migrationId, { timeoutMs: 20_000 });
    await eventually(() => expect(start.output().stderr).toContain(`Waiting for migration ${migrationId} to be complete; Ctrl-C stops only the waiting, never the migration.`), { timeoutMs: 20_000 });

    const migrating = await runOps(['finalize', 'mig_fin', '--yes'], writeEnv);
    expect(migrating.code).toBe(4);
    expect(migrating.stderr).toContain("cannot finalize queue 'mig_fin': it is migrating to-pacer");

    // What the copier does once it finds the legacy side drained (here it is not: the job was never moved).
    const record = await table.store.read('mig_fin');
    await table.store.write('mig_fin', { mode: 'pacer', legacyCluster: REDIS, changedBy: 'copier:test', reason: 'simulated flip' }, record?.version ?? 0);
    await states.setStatus('mig_fin', migrationId, 'complete');
    const waited = await start.done;
    expect(waited.code).toBe(0);
    expect(waited.stdout).toContain(`mig_fin  0 / 1 moved (0.0%)  limit 2,000 jobs/s  ETA 1s  copying\n`);
    expect(waited.stdout.trimEnd().split('\n').slice(-2)).toEqual([
      expect.stringMatching(/^mig_fin {2}0 \/ 1 moved \(0\.0%\) {2}.+ jobs\/s {2}ETA 0s {2}complete$/),
      `Migration ${migrationId} of mig_fin is complete: 0 pending, 0 failed, 0 succeeded job(s) moved.`,
    ]);
    expect(waited.stdout).not.toContain('\x1b'); // no redrawing when not a terminal

    const remains = await runOps(['finalize', 'mig_fin', '--yes', '--json'], writeEnv);
    expect(remains.code).toBe(5);
    expect(remains.stderr).toContain('redis-a still holds its jobs (1 pending (1 ready, 0 future)');
    expect(jsonOf<{ error: { code: string } }>(remains).error.code).toBe('JOBS_REMAIN');
    expect(await table.store.read('mig_fin')).toMatchObject({ mode: 'pacer' });

    expect(await directRedis.deleteJobs({ queue: 'mig_fin', state: JobState.PENDING, priority: 1, limit: 10 })).toBe(1);
    const wrong = await runOps(['finalize', 'mig_fin', '--delete-legacy', '--admin-password-file', join(dir, 'wrong.password'), '--yes'], writeEnv);
    expect(wrong.code).toBe(7);
    expect(wrong.stderr).toContain('is not the admin password of redis-a');
    expect(await table.store.read('mig_fin')).toMatchObject({ mode: 'pacer' });

    // A live gateway behind the table version could still enqueue on legacy, and finalize ends the
    // copier's late-write sweeps: refused until it caught up.
    const tableVersion = await table.store.tableVersion();
    const presencePath = new RoutingPaths().gateway('gw-behind');
    const presence = (appliedVersion: number): Buffer => serializePresence({
      format: 1, gatewayId: 'gw-behind', host: 'host-b', pid: 7, startedAt: '2026-01-02T03:04:05.000Z', appliedVersion, loaded: true, updatedAt: new Date().toISOString(),
    });
    const session = await table.connect();
    await session.create(presencePath, presence(tableVersion - 1), 'ephemeral');
    const behind = await runOps(['finalize', 'mig_fin', '--delete-legacy', '--admin-password-file', join(dir, 'admin.password'), '--yes'], writeEnv);
    expect(behind.code).toBe(4);
    expect(behind.stderr).toContain(`gateway(s) gw-behind (applied ${tableVersion - 1}) behind routing table version ${tableVersion}`);
    expect(await table.store.read('mig_fin')).toMatchObject({ mode: 'pacer' });

    // A gateway behind only for a moment (another change was just committed) is waited for.
    const waiting = startOps(['finalize', 'mig_fin', '--delete-legacy', '--admin-password-file', join(dir, 'admin.password'), '--yes', '--json', '--by', 'carol'], writeEnv);
    await eventually(() => expect(waiting.output().stderr).toContain(`Waiting up to 5 s for gateway(s) gw-behind to apply routing table version ${tableVersion}.`), { timeoutMs: 20_000 });
    await session.set(presencePath, presence(tableVersion));
    const done = await waiting.done;
    expect({ code: done.code, stderr: done.stderr }).toEqual({ code: 0, stderr: `Waiting up to 5 s for gateway(s) gw-behind to apply routing table version ${tableVersion}.\n` });
    await session.delete(presencePath);
    expect(jsonOf<{ written: boolean; deletedLegacy: boolean; record: { mode: string } }>(done)).toMatchObject({ written: true, deletedLegacy: true, record: { mode: 'finalized' } });
    expect(await table.store.read('mig_fin')).toMatchObject({ mode: 'finalized', legacyCluster: REDIS, changedBy: 'carol' });
    expect(await row('mig_fin')).toMatchObject({ migrationId, status: 'finalized' });
    expect((await directRedis.getQueueNames()).has('mig_fin')).toBe(false);

    const rollback = await runOps(['rollback', 'mig_fin', '--yes'], writeEnv);
    expect(rollback.code).toBe(4);
    expect(rollback.stderr).toContain('it is finalized');
  });

  it('Ctrl-C during --wait stops only the waiting (130): the migration goes on, and the command says so', async () => {
    // The bin's own process: the signal goes to it, and it exits with 130.
    await directRedis.createQueue('mig_wait');
    const start = startCli(['migrate', 'start', 'mig_wait', '--yes', '--wait'], writeEnv);
    await eventually(() => expect(start.output().stderr).toContain('Ctrl-C stops only the waiting'), { timeoutMs: 20_000 });
    start.child.kill('SIGINT');
    const run = await start.done;
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/stopped waiting; migration mig_wait-\d{14}-[0-9a-f]{4} of mig_wait goes on in the copier \(pinlater-ops migrate status mig_wait\)/);
    expect(await row('mig_wait')).toMatchObject({ status: 'copying', paused: false });
    expect(await table.store.read('mig_wait')).toMatchObject({ mode: 'migrating', direction: 'to-pacer' });
  });
});
