/**
 * `pinlater-ops` (migration/src/cli/, package.json bin `bin/pinlater-ops.cjs`) with its environment,
 * each command run in this process (ops-cli-in-process.ts: the `runPinlaterOps` the bin runs, stdin
 * not a terminal); what only the bin's process shows (its exit code, stdout closed by its reader,
 * handles left open after a run) through a child process (ops-cli-runner.ts). Against one set of
 * systems per file: a legacy
 * PinLater Redis cluster, a legacy PinLater MySQL cluster and Pacer (embedded), each in a fresh
 * namespace, and the routing table in a fresh ZooKeeper chroot set up by the test operator
 * (routing-fixtures.ts). The routing config file is the one a routing gateway would run with.
 *
 * The tests share that state and run in order: what one writes, the next sees (adopt's records are
 * what route changes). Every check of an effect reads the system directly (the operator's store,
 * the legacy backends, Pacer's database), never through the CLI alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import { createLegacyMysqlBackend, createLegacyRedisBackend } from '../../legacy-adapter';
import { serializePresence } from '../../migration/src/routing/gateway-presence';
import { RoutingPaths } from '../../migration/src/routing/routing-paths';
import { setupCluster } from '../../pacer/src/coordination/cluster-setup';
import { HelixPaths } from '../../pacer/src/coordination/helix-paths';
import { TABLES } from '../../pacer/src/datastore/tables';
import { mysqlBackendConfig, mysqlShardNames } from '../conformance/backends/legacy-mysql';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { legacyOptions, legacySettings } from '../conformance/backends/legacy-settings';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { writeShippedProperties } from '../support/shipped-properties';
import { withMysql } from '../support/mysql';
import { releaseNamespace } from '../support/namespace-keeper';
import { freshDatabase, mysqlDatabasesNamespace, redisKeysNamespace, uniqueMysqlInstanceId, uniqueShardBase, zkChroot, type FreshDatabase } from '../support/namespaces';
import { testEnv } from '../support/test-env';
import { expectHelpPages, runOps } from './ops-cli-in-process';
import { jsonOf, runCli, startCli } from './ops-cli-runner';
import { dequeueReq, freshPacerDb, job, pacerQueueNames, type PacerDb } from './pacer-fixtures';
import { operatorChrootNamespace, routingTable, TEST_OPERATOR, type RoutingTableFixture } from './routing-fixtures';

jest.setTimeout(60_000);

const REDIS = 'redis-a';
const MYSQL = 'mysql-a';
const NS = { label: 'ops-cli', monitor: {} };
/** What PINLATER_ROUTING_CREDENTIAL(_FILE) holds for the test operator. */
const OPERATOR_TEXT = TEST_OPERATOR.authText();

const redisShards = [`${uniqueShardBase()}a`];
const mysqlId = uniqueMysqlInstanceId();
let dir: string;
let pacerDb: PacerDb;
let table: RoutingTableFixture;
let directRedis: PinLaterBackend;
let directMysql: PinLaterBackend;
/** The routing config (read-only commands need nothing else). */
let readEnv: Record<string, string>;
/** The routing config and the operator credential (in a file, as operators keep it). */
let writeEnv: Record<string, string>;

/** PinLater's shipped properties of `file` with `overrides`, written as `name` in the temp dir. */
function writeProperties(name: string, file: string, overrides: Record<string, string>): void {
  writeShippedProperties(join(dir, name), file, overrides);
}

function writeRoutingConfig(name: string, zookeeper: string): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({
    legacyClusters: [
      { name: REDIS, backend: 'legacy-redis', backendConfig: 'redis.json', properties: 'redis.properties' },
      { name: MYSQL, backend: 'legacy-mysql', backendConfig: 'mysql.json', properties: 'mysql.properties' },
    ],
    pacer: { backendConfig: 'pacer.json' },
    routing: { zookeeper, defaultDestination: 'pacer' },
  }));
  return path;
}

function writeConfigFiles(): void {
  const { host, port, user, password } = testEnv().mysql;
  const quiet = { GATEWAY_MONITOR_ENABLED: 'false', BACKEND_CONNECTIONS_PER_SHARD: '2' };
  writeFileSync(join(dir, 'redis.json'), JSON.stringify(redisBackendConfig(redisShards, [])));
  writeProperties('redis.properties', 'redis.local.properties', quiet);
  writeFileSync(join(dir, 'mysql.json'), JSON.stringify(mysqlBackendConfig([{ id: mysqlId, dequeueOnly: false }])));
  writeProperties('mysql.properties', 'mysql.local.properties', { ...quiet, MYSQL_NUM_DB_PER_QUEUE: '1' });
  writeFileSync(join(dir, 'pacer.json'), JSON.stringify({ mode: 'embedded', mysql: { host, port, user, password, database: pacerDb.db.name, connectionLimit: 2 }, defaultPartitions: 1 }));
  writeRoutingConfig('routing.json', table.connectString);
  writeFileSync(join(dir, 'operator.credential'), `${OPERATOR_TEXT}\n`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ops-cli-'));
  [pacerDb, table] = await Promise.all([freshPacerDb(), routingTable()]);
  directRedis = await createLegacyRedisBackend(legacyOptions(NS, redisBackendConfig(redisShards, []), legacySettings(NS)));
  directMysql = await createLegacyMysqlBackend(legacyOptions(NS, mysqlBackendConfig([{ id: mysqlId, dequeueOnly: false }]), legacySettings(NS, { numDbPerQueue: 1, allowedHostnamePrefix: 'pinlaterlocaldb' })));
  // Queues of existing clusters, before any routing record: two on Redis (one with a job), one on MySQL.
  await Promise.all([directRedis.createQueue('ops_busy'), directRedis.createQueue('ops_empty'), directMysql.createQueue('ops_mysql')]);
  await directRedis.enqueueJobs({ queue: 'ops_busy', jobs: [job('waiting')] });
  writeConfigFiles();
  readEnv = { PINLATER_ROUTING_CONFIG: join(dir, 'routing.json') };
  writeEnv = { ...readEnv, PINLATER_ROUTING_CREDENTIAL_FILE: join(dir, 'operator.credential') };
}, 60_000);

afterAll(async () => {
  await directMysql?.close();
  await directRedis?.close();
  rmSync(dir, { recursive: true, force: true });
  await releaseNamespace(redisKeysNamespace(redisShards.flatMap(redisShardKeyPatterns)));
  await releaseNamespace(mysqlDatabasesNamespace(mysqlShardNames([mysqlId]).map((shard) => `plq_${shard}_`)));
  await pacerDb?.db.drop();
  await table?.release();
}, 60_000);
afterAll(assertNoLeaks);

interface StatusJson {
  tableVersion: number;
  records: Array<{ queue: string; mode: string; legacyCluster: string | null; version: number; changedBy: string; presentOn: string[] }>;
  invalidRecords: Array<{ queue: string; error: string }>;
  unrouted: Array<{ queue: string; system: string }>;
  ambiguous: Array<{ queue: string; systems: string[] }>;
  gateways: Array<{ gatewayId: string; host: string; pid: number; appliedVersion: number; behind: boolean }>;
  problems: Array<{ code: string; message: string }>;
  exitCode: number;
}

describe('pinlater-ops without services', () => {
  it('answers --help of every command and subcommand with exit 0, examples and its exit codes', async () => {
    const commands = [[], ['status'], ['adopt'], ['route'], ['history'], ['setup'], ['pacer', 'status'], ['pacer', 'schema-migrate']];
    const runs = await expectHelpPages(commands, /Examples?:/);
    expect(runs[0]?.stdout).toMatch(/ {2}5 {2}refused: the queue still has pending/);
  });

  it('refuses a bad command line (64) and a missing or broken config (1), in one line each', async () => {
    const [usage, noConfig, badConfig] = await Promise.all([
      runCli(['route', 'some_queue']), // the bin: its process exits with the command's code
      runOps(['status']),
      runOps(['--config', join(tmpdir(), 'does-not-exist.json'), 'history']),
    ]);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain("required option '--to <system>' not specified");
    expect(noConfig.code).toBe(1);
    expect(noConfig.stderr).toContain('give --config <file> or set PINLATER_ROUTING_CONFIG');
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toMatch(/does-not-exist\.json: cannot read: ENOENT/);
    for (const run of [noConfig, badConfig]) expect(run.stderr.trim().split('\n')).toHaveLength(1); // no stack trace without --verbose
  });

  it('exits 0 without an EPIPE crash when its reader goes away (`pinlater-ops --help | head -1`)', async () => {
    const cli = startCli(['--help']);
    cli.child.stdout?.destroy(); // the reader closes its end before the command writes anything
    const run = await cli.done;
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  });
});

describe('pinlater-ops against the systems', () => {
  it('status: queues without a record are unrouted (with their cluster), nothing is a problem: exit 0; no credential needed', async () => {
    // --verbose, through the bin: its process reports anything still open once it closed its connections.
    const [json, text] = await Promise.all([runOps(['status', '--json'], readEnv), runCli(['status', '--verbose'], readEnv)]);
    expect(json.code).toBe(0);
    const status = jsonOf<StatusJson>(json);
    expect(status.unrouted).toEqual([
      { queue: 'ops_busy', system: REDIS },
      { queue: 'ops_empty', system: REDIS },
      { queue: 'ops_mysql', system: MYSQL },
    ]);
    expect(status).toMatchObject({ records: [], ambiguous: [], invalidRecords: [], gateways: [], problems: [], exitCode: 0 });
    expect({ code: text.code, stderr: text.stderr }).toEqual({ code: 0, stderr: '' });
    expect(text.stdout).toContain('All clear (exit 0).');
    expect(text.stdout).toMatch(/ops_mysql\s+mysql-a/);
  });

  it('adopt without --yes and without a terminal is refused (exit 3) and writes nothing', async () => {
    const run = await runOps(['adopt'], writeEnv);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('stdin is not a terminal and --yes was not given; nothing was written');
    expect(run.stdout).toContain('Queues to adopt'); // what it would have written
    expect((await table.store.list()).records).toEqual([]);
  });

  it('adopt writes a legacy record for each queue on exactly one cluster, lists the ambiguous ones, and a second run writes nothing', async () => {
    // On both legacy clusters, no record: ambiguous, never adopted.
    await Promise.all([directRedis.createQueue('ops_twice'), directMysql.createQueue('ops_twice')]);
    const first = await runOps(['adopt', '--yes', '--json', '--by', 'alice', '--reason', 'rollout'], writeEnv);
    expect(first.code).toBe(0);
    const adopted = jsonOf<{ adopted: Array<{ queue: string; legacyCluster: string }>; ambiguous: Array<{ queue: string; systems: string[] }> }>(first);
    expect(adopted.adopted.map((a) => [a.queue, a.legacyCluster])).toEqual([['ops_busy', REDIS], ['ops_empty', REDIS], ['ops_mysql', MYSQL]]);
    expect(adopted.ambiguous).toEqual([{ queue: 'ops_twice', systems: [REDIS, MYSQL] }]);
    expect(await table.store.read('ops_busy')).toMatchObject({ mode: 'legacy', legacyCluster: REDIS, version: 1, changedBy: 'alice', reason: 'rollout' });
    expect(await table.store.read('ops_mysql')).toMatchObject({ mode: 'legacy', legacyCluster: MYSQL });
    expect(await table.store.read('ops_twice')).toBeUndefined();
    const versionAfterFirst = await table.store.tableVersion();

    const second = await runOps(['adopt', '--yes'], writeEnv);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Nothing to adopt');
    expect(second.stdout).toMatch(/ops_twice\s+redis-a, mysql-a/);
    expect(await table.store.tableVersion()).toBe(versionAfterFirst);
  });

  it('status: an ambiguous queue is a problem (exit 2), listed with its clusters; route settles it once the other side is empty', async () => {
    const before = await runOps(['status', '--json'], readEnv);
    expect(before.code).toBe(2);
    const status = jsonOf<StatusJson>(before);
    expect(status.ambiguous).toEqual([{ queue: 'ops_twice', systems: [REDIS, MYSQL] }]);
    expect(status.problems.map((p) => p.code)).toEqual(['AMBIGUOUS_QUEUE']);
    expect(status.records.find((r) => r.queue === 'ops_busy')).toMatchObject({ mode: 'legacy', legacyCluster: REDIS, version: 1, changedBy: 'alice', presentOn: [REDIS] });

    const route = await runOps(['route', 'ops_twice', '--to', MYSQL, '--yes', '--by', 'bob'], writeEnv);
    expect({ code: route.code, stderr: route.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await table.store.read('ops_twice')).toMatchObject({ mode: 'legacy', legacyCluster: MYSQL, version: 1, changedBy: 'bob' });
    // No longer ambiguous: the next status (below) has only the problem that test adds.
  });

  it('status: a record that does not parse is a problem (exit 2), named with the reason', async () => {
    const path = table.store.paths.queue('ops_garbled');
    await table.operatorZk.create(path, Buffer.from('{"format": 1, "queue": "ops_garbled"'));
    try {
      const run = await runOps(['status', '--json'], readEnv);
      expect(run.code).toBe(2);
      const status = jsonOf<StatusJson>(run);
      expect(status.invalidRecords).toEqual([{ queue: 'ops_garbled', error: expect.stringContaining('not JSON') }]);
      expect(status.problems.map((p) => p.code)).toEqual(['UNREADABLE_RECORD']);
      expect(status.ambiguous).toEqual([]);
    } finally {
      await table.operatorZk.delete(path);
    }
  });

  it('status: a live gateway behind the table version is a problem (exit 2); once it applied the version, all clear', async () => {
    const tableVersion = await table.store.tableVersion();
    const path = new RoutingPaths().gateway('gw-ops-test');
    const presence = (appliedVersion: number): Buffer => serializePresence({
      format: 1, gatewayId: 'gw-ops-test', host: 'host-a', pid: 4242, startedAt: '2024-01-02T03:04:05.000Z', appliedVersion, loaded: true, updatedAt: new Date().toISOString(),
    });
    const session = await table.connect(); // closed with the fixture; the node is ephemeral
    await session.create(path, presence(tableVersion - 1), 'ephemeral');
    try {
      const behind = await runOps(['status', '--json', '--settle-ms', '100'], readEnv);
      expect(behind.code).toBe(2);
      const status = jsonOf<StatusJson>(behind);
      expect(status.gateways).toEqual([expect.objectContaining({ gatewayId: 'gw-ops-test', host: 'host-a', pid: 4242, appliedVersion: tableVersion - 1, behind: true })]);
      expect(status.problems.map((p) => p.code)).toEqual(['GATEWAY_BEHIND']);

      await session.set(path, presence(tableVersion));
      const current = await runOps(['status'], readEnv);
      expect(current.code).toBe(0);
      expect(current.stdout).toMatch(new RegExp(`gw-ops-test\\s+host-a\\s+4242\\s+2024-01-02T03:04:05.000Z\\s+${tableVersion}\\s+current`));
    } finally {
      await session.delete(path);
    }
  });

  it('route is refused (exit 5, naming pinlater-ops migrate) while pending or in-progress jobs remain; succeeded jobs do not block', async () => {
    // Two jobs: one dequeued (IN_PROGRESS), one PENDING; each is counted.
    await directRedis.enqueueJobs({ queue: 'ops_busy', jobs: [job('second')] });
    const first = await directRedis.dequeueJobs(dequeueReq('ops_busy', 1));
    const refused = await runOps(['route', 'ops_busy', '--to', 'pacer', '--yes', '--json'], writeEnv);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain(`(${REDIS}: 1 pending, 0 pending in the future, 1 in progress, 0 failed)`);
    expect(refused.stderr).toContain('`pinlater-ops migrate start ops_busy`');
    expect(jsonOf<{ error: { code: string; jobs: Record<string, { pending: number; inProgress: number }> } }>(refused).error)
      .toMatchObject({ code: 'JOBS_REMAIN', jobs: { [REDIS]: { pending: 1, inProgress: 1 } } });
    expect(await table.store.read('ops_busy')).toMatchObject({ mode: 'legacy', legacyCluster: REDIS, version: 1 });
    expect(await pacerQueueNames(pacerDb)).not.toContain('ops_busy');

    const second = await directRedis.dequeueJobs(dequeueReq('ops_busy', 1));
    const done = [...first.jobs, ...second.jobs].map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 }));
    expect(done).toHaveLength(2);
    await directRedis.ackDequeuedJobs({ queue: 'ops_busy', succeeded: done, failed: [] });
    const routed = await runOps(['route', 'ops_busy', '--to', 'pacer', '--yes'], writeEnv);
    expect({ code: routed.code, stderr: routed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await table.store.read('ops_busy')).toMatchObject({ mode: 'pacer', legacyCluster: REDIS, version: 2 });
  });

  it('route on an empty queue creates it on the destination, changes the record by compare-and-set, and history shows it', async () => {
    const toPacer = await runOps(['route', 'ops_empty', '--to', 'pacer', '--yes', '--json', '--by', 'carol', '--reason', 'first move'], writeEnv);
    expect(toPacer.code).toBe(0);
    expect(jsonOf<{ createOnDestination: boolean; record: { version: number } }>(toPacer)).toMatchObject({ createOnDestination: true, record: { version: 2 } });
    expect(await pacerQueueNames(pacerDb)).toContain('ops_empty');
    expect(await table.store.read('ops_empty')).toMatchObject({ mode: 'pacer', legacyCluster: REDIS, version: 2, changedBy: 'carol', reason: 'first move' });

    // Pacer -> another legacy cluster (created there), then history of the queue, newest first.
    const toMysql = await runOps(['route', 'ops_empty', '--to', MYSQL, '--yes', '--by', 'carol', '--reason', 'to mysql'], writeEnv);
    expect({ code: toMysql.code, stderr: toMysql.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await directMysql.getQueueNames()).has('ops_empty')).toBe(true);
    expect(await table.store.read('ops_empty')).toMatchObject({ mode: 'legacy', legacyCluster: MYSQL, version: 3 });

    const [json, text] = await Promise.all([
      runOps(['history', 'ops_empty', '--json'], readEnv),
      runOps(['history', '--limit', '1'], readEnv),
    ]);
    expect(json.code).toBe(0);
    const entries = jsonOf<{ entries: Array<{ from: { mode: string; version: number } | null; to: { mode: string; legacyCluster: string | null; version: number; reason: string } }> }>(json).entries;
    expect(entries.map((e) => [e.from?.mode ?? null, e.to.mode, e.to.legacyCluster, e.to.version, e.to.reason])).toEqual([
      ['pacer', 'legacy', MYSQL, 3, 'to mysql'],
      ['legacy', 'pacer', REDIS, 2, 'first move'],
      [null, 'legacy', REDIS, 1, 'rollout'],
    ]);
    expect(text.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^ {2}SEQ\s+TABLE VERSION\s+CHANGED AT\s+QUEUE\s+FROM\s+TO\s+BY\s+REASON$/),
      expect.stringMatching(/ops_empty\s+pacer \(from redis-a\) v2\s+legacy mysql-a v3\s+carol\s+to mysql$/),
    ]);
  });

  it('route refuses an unknown destination and a queue on no system (exit 4), and writes nothing without the operator credential or confirmation', async () => {
    const versionBefore = await table.store.tableVersion();
    const [unknown, nowhere, noCredential, wrongCredential, notConfirmed] = await Promise.all([
      runOps(['route', 'ops_mysql', '--to', 'redis-b', '--yes'], writeEnv),
      runOps(['route', 'ops_never_created', '--to', 'pacer', '--yes'], writeEnv),
      runOps(['route', 'ops_mysql', '--to', 'pacer', '--yes'], readEnv),
      runOps(['route', 'ops_mysql', '--to', 'pacer', '--yes'], { ...readEnv, PINLATER_ROUTING_CREDENTIAL: 'routing-operator:not-the-secret' }),
      runOps(['route', 'ops_mysql', '--to', 'pacer'], writeEnv),
    ]);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain("unknown destination 'redis-b': the configured systems are redis-a, mysql-a, pacer");
    expect(nowhere.code).toBe(4);
    expect(nowhere.stderr).toContain("queue 'ops_never_created' exists on no system");
    expect(noCredential.code).toBe(1);
    expect(noCredential.stderr).toContain('routing operator credential is required: set PINLATER_ROUTING_CREDENTIAL_FILE');
    expect(wrongCredential.code).toBe(7);
    expect(wrongCredential.stderr).toContain("does not name this credential (user 'routing-operator') as its operator");
    expect(notConfirmed.code).toBe(3);
    expect(notConfirmed.stdout).toContain('Route queue ops_mysql:');
    for (const run of [unknown, nowhere, noCredential, wrongCredential, notConfirmed]) expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(await table.store.tableVersion()).toBe(versionBefore);
    expect(await table.store.read('ops_mysql')).toMatchObject({ mode: 'legacy', legacyCluster: MYSQL, version: 1 });
    expect(await pacerQueueNames(pacerDb)).not.toContain('ops_mysql');
  });

  it('setup creates the routing tree in a new chroot (PINLATER_ROUTING_CREDENTIAL)', async () => {
    const chroot = await zkChroot();
    const config = writeRoutingConfig('routing-fresh.json', chroot.connectString);
    const env = { PINLATER_ROUTING_CONFIG: config, PINLATER_ROUTING_CREDENTIAL: OPERATOR_TEXT };
    try {
      const missing = await runOps(['history'], env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('does not exist in ZooKeeper: set it up first (pinlater-ops setup)');
      const first = await runOps(['setup', '--yes', '--json'], env);
      expect(first.code).toBe(0);
      expect(jsonOf<{ created: string[] }>(first).created).toEqual(new RoutingPaths().fixedNodes());
    } finally {
      await releaseNamespace(operatorChrootNamespace(chroot.path));
    }
  });

  it('fails in one line with exit 1 when ZooKeeper cannot be reached', async () => {
    const config = writeRoutingConfig('routing-nowhere.json', `127.0.0.1:${await freePort()}`);
    const run = await runOps(['--zk-timeout-ms', '500', 'status'], { PINLATER_ROUTING_CONFIG: config });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^pinlater-ops: cannot reach ZooKeeper at 127\.0\.0\.1:\d+ within 500 ms/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('pinlater-ops pacer', () => {
  let migrated: FreshDatabase | undefined;
  afterAll(() => migrated?.drop());

  it('status runs the Pacer status tool with its exit codes (3: no leader; 1: no such cluster)', async () => {
    const admin = await NodeZkClient.connect({ connectString: table.connectString, sessionTimeoutMs: 10_000 });
    try {
      await setupCluster(admin, new HelixPaths('opspacer'));
    } finally {
      await admin.close();
    }
    const [noLeader, missing] = await Promise.all([
      runOps(['pacer', 'status', '--zk', table.connectString, '--cluster', 'opspacer', '--json']),
      runOps(['pacer', 'status', '--zk', table.connectString, '--cluster', 'nosuch']),
    ]);
    expect(noLeader.code).toBe(3);
    expect(jsonOf<{ cluster: string; problems: Array<{ code: string }> }>(noLeader)).toMatchObject({ cluster: 'opspacer', problems: [{ code: 'NO_LEADER' }] });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`pinlater-ops pacer status: cluster nosuch not found under ${table.connectString}`);
  });

  it('schema-migrate takes the password from --password-file or PACER_MIGRATOR_PASSWORD and migrates', async () => {
    migrated = await freshDatabase('ops_cli_migrate');
    const { host, port, user, password } = testEnv().mysql;
    const target = ['pacer', 'schema-migrate', '--database', migrated.name, '--host', host, '--port', String(port), '--user', user];
    writeFileSync(join(dir, 'wrong.password'), 'not-the-password\n');
    writeFileSync(join(dir, 'right.password'), `${password}\n`);
    const [wrongFile, wrongEnv] = await Promise.all([
      runOps([...target, '--password-file', join(dir, 'wrong.password')]),
      runOps(target, { PACER_MIGRATOR_PASSWORD: 'not-the-password' }),
    ]);
    for (const run of [wrongFile, wrongEnv]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^pinlater-ops pacer schema-migrate: Access denied/);
    }
    // The file wins over the variable.
    const applied = await runOps([...target, '--password-file', join(dir, 'right.password')], { PACER_MIGRATOR_PASSWORD: 'not-the-password' });
    expect({ code: applied.code, stderr: applied.stderr }).toEqual({ code: 0, stderr: '' });
    expect(applied.stdout).toMatch(/^applied: 0001_/);
    const [tables] = await withMysql((db) => db.query(`SHOW TABLES LIKE '${TABLES.queues}'`), migrated.name);
    expect(tables).toHaveLength(1);
  });
});
