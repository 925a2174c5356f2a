/**
 * The routing gateway as operators run it: `gateway/src/main.ts --routing-config <file>` as its own
 * process, in front of a legacy PinLater Redis cluster, a legacy PinLater MySQL cluster and Pacer
 * (embedded topology), each in a fresh namespace, with its routing table in a fresh ZooKeeper
 * chroot set up by the operator (routing-fixtures.ts). A real PinLater Thrift client talks to it;
 * every check that a call reached the right system reads that system directly (its own backend,
 * Pacer's database, the routing record through the operator's store).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { JobState } from '../../core/src/types/job-state';
import { routingGaugeNames } from '../../gateway/src/stats/stat-names';
import { createLegacyMysqlBackend, createLegacyRedisBackend } from '../../legacy-adapter';
import { TABLES } from '../../pacer/src/datastore/tables';
import { mysqlBackendConfig, mysqlShardNames } from '../conformance/backends/legacy-mysql';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { legacyOptions, legacySettings } from '../conformance/backends/legacy-settings';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { withMysql } from '../support/mysql';
import { writeShippedProperties } from '../support/shipped-properties';
import { releaseNamespace } from '../support/namespace-keeper';
import { mysqlDatabasesNamespace, redisKeysNamespace, uniqueMysqlInstanceId, uniqueShardBase } from '../support/namespaces';
import { ClusterProcess } from '../support/pacer-processes';
import { testEnv } from '../support/test-env';
import { testOutcome } from '../support/test-outcome';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';
import { routingTable, type RoutingTableFixture } from './routing-fixtures';

const ROOT = join(__dirname, '..', '..');
const REDIS = 'redis-a';
const MYSQL = 'mysql-a';
const DBS_PER_QUEUE = 2;
const NS = { label: 'routing-gateway-process', monitor: {} };
const GATEWAY_ID = 'rgw-test-1';

const redisShards = [`${uniqueShardBase()}a`];
const mysqlId = uniqueMysqlInstanceId();
let dir: string;
let pacerDb: PacerDb;
let table: RoutingTableFixture;
let directRedis: PinLaterBackend;
let directMysql: PinLaterBackend;
let gateway: ClusterProcess;
let adminPort: number;
let client: ConformanceClient;

/** PinLater's shipped properties of `file` with `overrides`, written as `name` in the temp dir. */
function writeProperties(name: string, file: string, overrides: Record<string, string>, remove: string[] = []): void {
  writeShippedProperties(join(dir, name), file, overrides, remove);
}

function writeConfigFiles(thriftPort: number): void {
  const { host, port, user, password } = testEnv().mysql;
  const quiet = { GATEWAY_MONITOR_ENABLED: 'false', BACKEND_CONNECTIONS_PER_SHARD: '4' };
  writeFileSync(join(dir, 'redis.json'), JSON.stringify(redisBackendConfig(redisShards, [])));
  writeProperties('redis.properties', 'redis.local.properties', quiet);
  writeFileSync(join(dir, 'mysql.json'), JSON.stringify(mysqlBackendConfig([{ id: mysqlId, dequeueOnly: false }])));
  writeProperties('mysql.properties', 'mysql.local.properties', { ...quiet, MYSQL_NUM_DB_PER_QUEUE: String(DBS_PER_QUEUE) });
  writeFileSync(join(dir, 'pacer.json'), JSON.stringify({ mode: 'embedded', mysql: { host, port, user, password, database: pacerDb.db.name, connectionLimit: 4 }, defaultPartitions: 2 }));
  writeProperties('gateway.properties', 'pacer.local.properties', {
    GATEWAY_HOST: '127.0.0.1', THRIFT_PORT: String(thriftPort), OSTRICH_PORT: String(adminPort), SERVER_SET_ENABLED: 'false', GATEWAY_SHUTDOWN_GRACE_SECONDS: '2',
  }, ['QUEUE_CONFIG_FILE_PATH']);
  writeFileSync(join(dir, 'routing.json'), JSON.stringify({
    legacyClusters: [
      { name: REDIS, backend: 'legacy-redis', backendConfig: 'redis.json', properties: 'redis.properties' },
      { name: MYSQL, backend: 'legacy-mysql', backendConfig: 'mysql.json', properties: 'mysql.properties' },
    ],
    pacer: { backendConfig: 'pacer.json' },
    routing: { zookeeper: table.connectString, defaultDestination: 'pacer', gatewayId: GATEWAY_ID },
  }));
}

async function startGatewayProcess(): Promise<ClusterProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'gateway/src/main.ts', '--properties', join(dir, 'gateway.properties'), '--routing-config', join(dir, 'routing.json'), '--log-level', 'info'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const proc = new ClusterProcess('routing-gateway', child);
  await proc.waitFor('gateway listening', 60_000);
  return proc;
}

async function admin(path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${adminPort}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.text() };
}

async function pacerQueueNames(): Promise<string[]> {
  const [rows] = await withMysql((db) => db.query(`SELECT name FROM ${TABLES.queues} ORDER BY name`), pacerDb.db.name);
  return (rows as Array<{ name: string }>).map((r) => r.name);
}

const pending = (backend: PinLaterBackend, queue: string): Promise<number> => backend.getJobCount({ queue, state: JobState.PENDING, future: false });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'routing-gw-'));
  [pacerDb, table] = await Promise.all([freshPacerDb(), routingTable()]);
  const mysqlSettings = legacySettings(NS, { numDbPerQueue: DBS_PER_QUEUE, allowedHostnamePrefix: 'pinlaterlocaldb' });
  directMysql = await createLegacyMysqlBackend(legacyOptions(NS, mysqlBackendConfig([{ id: mysqlId, dequeueOnly: false }]), mysqlSettings));
  directRedis = await createLegacyRedisBackend(legacyOptions(NS, redisBackendConfig(redisShards, []), legacySettings(NS)));
  // Queues that exist before the gateway is put in front of the clusters, with no routing record.
  await directMysql.createQueue('rgw_mysql_only');
  await directRedis.createQueue('rgw_redis_only');
  const thriftPort = await freePort();
  adminPort = await freePort();
  writeConfigFiles(thriftPort);
  gateway = await startGatewayProcess();
  client = await ConformanceClient.connect({ host: '127.0.0.1', port: thriftPort }, 'routing-gateway-test');
}, 120_000);

afterEach(() => {
  // A failed test shows what the gateway logged last (its process output is otherwise lost).
  const outcome = testOutcome();
  if (outcome?.scopeFailed() === true && gateway !== undefined) outcome.report(`routing gateway output, last lines:\n${gateway.output.split('\n').slice(-40).join('\n')}`);
});

afterAll(async () => {
  await client?.close();
  if (gateway?.running) {
    gateway.signal('SIGKILL');
    await gateway.exited();
  }
  await directMysql?.close();
  await directRedis?.close();
  rmSync(dir, { recursive: true, force: true });
  await releaseNamespace(redisKeysNamespace(redisShards.flatMap(redisShardKeyPatterns)));
  await releaseNamespace(mysqlDatabasesNamespace(mysqlShardNames([mysqlId]).map((shard) => `plq_${shard}_`)));
  await pacerDb?.db.drop();
  await table?.release();
}, 60_000);
afterAll(assertNoLeaks);

describe('routing gateway process (--routing-config)', () => {
  it('reports the routing table loaded and every system on /health and /stats.txt', async () => {
    const health = await eventually(async () => {
      const { status, body } = await admin('/health');
      const parsed = JSON.parse(body) as { routing: { loaded: boolean; degraded: boolean; appliedVersion: number; invalidRecords: number }; systems: Record<string, { healthy: boolean }> };
      expect(status).toBe(200);
      // Loaded once the table was read; no longer degraded once that read is confirmed current.
      expect(parsed.routing).toMatchObject({ loaded: true, degraded: false });
      return parsed;
    }, { timeoutMs: 15_000 });
    expect(health.routing.invalidRecords).toBe(0);
    // Its presence, published once the table is applied, names the version it serves.
    await eventually(async () => expect((await table.store.gateways()).map((g) => [g.gatewayId, g.appliedVersion])).toEqual([[GATEWAY_ID, health.routing.appliedVersion]]));
    expect(Object.keys(health.systems).sort()).toEqual([MYSQL, 'pacer', REDIS].sort());
    const stats = (await admin('/stats.txt')).body;
    expect(stats).toContain(`  ${routingGaugeNames.loaded}: 1\n`);
    expect(stats).toContain(`  ${routingGaugeNames.degraded}: 0\n`);
  });

  it('creates a new queue on the default destination (Pacer) and records its route', async () => {
    await client.createQueue('rgw_new');
    expect(await pacerQueueNames()).toContain('rgw_new');
    expect((await directRedis.getQueueNames()).has('rgw_new')).toBe(false);
    expect((await directMysql.getQueueNames()).has('rgw_new')).toBe(false);
    expect(await table.store.read('rgw_new')).toMatchObject({ queue: 'rgw_new', mode: 'pacer', legacyCluster: null, changedBy: `gateway:${GATEWAY_ID}` });
    const [descriptor] = await client.enqueue('rgw_new', [{ body: 'to-pacer' }]);
    expect((await client.lookupOne(descriptor as string, true))?.body?.toString()).toBe('to-pacer');
  });

  it('serves a queue that exists only on the legacy MySQL cluster from that cluster', async () => {
    await client.enqueue('rgw_mysql_only', [{ body: 'm1' }]);
    expect(await pending(directMysql, 'rgw_mysql_only')).toBe(1);
    const { jobs } = await client.dequeue({ queue: 'rgw_mysql_only', limit: 5 });
    const dequeued = Object.entries(jobs ?? {});
    expect(dequeued.map(([, body]) => body.toString())).toEqual(['m1']);
    const descriptor = dequeued[0]?.[0] as string;
    await client.ack({ queue: 'rgw_mysql_only', succeeded: [{ descriptor }] });
    const seen = (await directMysql.lookupJobs({ descriptors: [descriptor], includeBody: false })).get(descriptor);
    expect(seen?.state).toBe(JobState.SUCCEEDED);
    expect(await pacerQueueNames()).not.toContain('rgw_mysql_only');
  });

  it('answers getQueueNames with the union of every system', async () => {
    const names = await client.queueNames();
    expect(names).toEqual(expect.arrayContaining(['rgw_new', 'rgw_mysql_only', 'rgw_redis_only']));
  });

  it('exits 0 on SIGTERM, closing every system and the routing session', async () => {
    gateway.signal('SIGTERM');
    expect(await gateway.exited()).toBe(0);
    expect(gateway.logLines('gateway stopped')).toHaveLength(1);
    // Its ZooKeeper session ended with it: the presence node is gone (ephemeral).
    expect(await table.store.gateways()).toEqual([]);
  }, 30_000);
});
