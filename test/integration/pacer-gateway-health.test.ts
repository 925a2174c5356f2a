/**
 * Issue 16, "health that tells the truth": a Pacer gateway's `/health` is its readiness, and it
 * follows whether the queues it serves have live owners (docs/health.md). Real services: a fresh
 * MariaDB database, a fresh ZooKeeper chroot, a controller and a broker as their own processes
 * (killed with -9 like a crashed host), and two gateways in this process built by the gateway's
 * own composition (backend registry → startGateway → admin port):
 *   - a Pacer gateway (Pacer backend JSON, mode zookeeper, readinessGraceMs 1000), with metrics;
 *   - a routing gateway in front of a legacy Redis cluster and Pacer.
 *
 * Checked, in order: both ready while the broker serves; the broker killed → the Pacer gateway's
 * `/health` turns 503 within the session timeout + grace (+ slack), naming the queue and its
 * partitions; a dequeue AND a dry-run dequeue are refused with NO_HEALTHY_SHARDS (before the fix
 * the dry run kept returning jobs nobody could dequeue), and the call metric says
 * NO_HEALTHY_SHARDS (the legacy `/stats.txt` counter keeps PinLater's INTERNAL_ERROR); the routing
 * gateway stays 200, `degraded`, naming the Pacer queue, and keeps serving its Redis queue; the
 * broker back → 200 again and the jobs are dequeued.
 */
import { get } from 'node:http';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { silentLogger } from '../../core/src/logging/logger';
import { MemoryRouteSource } from '../../core/src/routing/memory-route-source';
import { startProcessTelemetry, type ProcessTelemetry } from '../../core/src/telemetry/process-telemetry';
import { METRICS, prometheusName } from '../../core/src/telemetry/telemetry-catalogue';
import { DEFAULT_LEGACY_SETTINGS } from '../../core/src/types/legacy-backend-options';
import { ErrorCode } from '../../core/src/errors/error-code';
import { buildBackend } from '../../gateway/src/backend-registry';
import { startGateway, type RunningGateway } from '../../gateway/src/gateway-process';
import { gatewayTelemetryOf, type GatewayTelemetry } from '../../gateway/src/telemetry/gateway-telemetry';
import { InstrumentedStats } from '../../gateway/src/telemetry/instrumented-stats';
import { shardKeyPatterns } from '../../legacy-adapter/src/redis/keys';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase, zkChroot, type ZkChroot } from '../support/namespaces';
import { ProcessGroup, type ClusterProcess } from '../support/pacer-processes';
import { testRoutingBackend } from '../support/test-routing-backend';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';

jest.setTimeout(120_000);

const CLUSTER = 'pacer';
const SESSION_TIMEOUT_MS = 4000;
const GRACE_MS = 1000;
/** Scheduling slack on a busy 2-CPU CI machine, beyond the session timeout + grace. */
const SLACK_MS = 8000;
const QUEUE = 'health_q';
const LEGACY_QUEUE = 'health_legacy_q';
const BROKER = 'health-broker-1';
const REDIS = 'redis-a';
const shards = [`${uniqueShardBase()}h`];
const clock = { nowMs: (): number => Date.now() };

interface Gateway {
  readonly gateway: RunningGateway;
  readonly client: ConformanceClient;
  readonly backend: PinLaterBackend;
}

interface Health {
  status: number;
  body: {
    healthy: boolean; status: string;
    unserved?: { detail: string; queueCount: number; queues: string[]; partitionCount: number; partitions: string[] };
    systems?: Record<string, { healthy: boolean; status?: string }>;
  };
}

let fx: PacerDb;
let chroot: ZkChroot;
let procs: ProcessGroup;
let broker: ClusterProcess;
let telemetry: ProcessTelemetry;
let stats: InstrumentedStats;
let pacer: Gateway;
let routing: Gateway;
let legacy: PinLaterBackend;

function pacerConfig(): unknown {
  return {
    mode: 'zookeeper', mysql: { ...fx.mysql, connectionLimit: 4 }, defaultPartitions: 2,
    zookeeper: { connect: chroot.connectString, cluster: CLUSTER, sessionTimeoutMs: SESSION_TIMEOUT_MS, readinessGraceMs: GRACE_MS },
  };
}

async function pacerBackend(gatewayStats: InstrumentedStats | MemoryStats, gatewayTelemetry?: GatewayTelemetry): Promise<PinLaterBackend> {
  return buildBackend({
    kind: 'pacer', backendConfig: pacerConfig(), backendConfigPath: '', settings: DEFAULT_LEGACY_SETTINGS, logger: silentLogger(), stats: gatewayStats, clock,
    ...(gatewayTelemetry === undefined ? {} : { telemetry: { instruments: gatewayTelemetry.instruments, system: 'pacer' } }),
  });
}

async function serve(backend: PinLaterBackend, gatewayStats: MemoryStats, source: string, gatewayTelemetry?: GatewayTelemetry): Promise<Gateway> {
  const gateway = await startGateway({
    host: '127.0.0.1', thriftPort: 0, adminPort: 0, maxFrameBytes: 1024 * 1024, idleTimeoutMs: 60_000, maxConcurrentRequests: 100, shutdownGraceMs: 2000,
    dequeueConcurrencyPerQueuePerShard: 4, adminPasswordHash: undefined, hostname: 'testhost', queueListRefreshMs: 500,
  }, { backend, rateLimiter: { allowDequeue: () => true }, stats: gatewayStats, clock, logger: silentLogger(), ...(gatewayTelemetry === undefined ? {} : { telemetry: gatewayTelemetry }) });
  const client = await ConformanceClient.connect({ host: '127.0.0.1', port: gateway.thriftPort }, source);
  return { gateway, client, backend };
}

function fetchText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function health(g: Gateway): Promise<Health> {
  const { status, body } = await fetchText(g.gateway.adminPort as number, '/health');
  return { status, body: JSON.parse(body) as Health['body'] };
}

/** The value of the first sample line of `series` whose labels include every one of `labels`. */
function sample(text: string, series: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${series}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

async function errorOf(p: Promise<unknown>): Promise<{ errorCode?: number; message?: string }> {
  return p.then(() => ({}), (e: unknown) => e as { errorCode?: number; message?: string });
}

beforeAll(async () => {
  [fx, chroot] = await Promise.all([freshPacerDb(), zkChroot()]);
  procs = new ProcessGroup({ zkConnect: chroot.connectString, cluster: CLUSTER, database: fx.db.name, sessionTimeoutMs: SESSION_TIMEOUT_MS });
  await procs.startController('health-controller-1');
  broker = await procs.startBroker(BROKER);
  telemetry = startProcessTelemetry({ serviceName: 'pinlater-gateway', serviceInstanceId: 'health-test', metrics: true, tracesEndpoint: undefined, traceSampleRatio: 1, queueDepthIntervalMs: 60_000 });
  stats = new InstrumentedStats();
  const gatewayTelemetry = gatewayTelemetryOf(telemetry, stats);
  pacer = await serve(await pacerBackend(stats, gatewayTelemetry), stats, 'health:pacer', gatewayTelemetry);
  const legacySettings = { ...DEFAULT_LEGACY_SETTINGS, monitor: { ...DEFAULT_LEGACY_SETTINGS.monitor, enabled: false } };
  legacy = await buildBackend({
    kind: 'legacy-redis', backendConfig: { shards: shards.map((name) => ({ name, shardConfig: { master: { host: '127.0.0.1', port: 6379 }, dequeueOnly: false } })) },
    backendConfigPath: '', settings: legacySettings, logger: silentLogger(), stats: new MemoryStats(), clock,
  });
  const routes = new MemoryRouteSource();
  routes.set(QUEUE, { mode: 'pacer', legacyCluster: null });
  routes.set(LEGACY_QUEUE, { mode: 'legacy', cluster: REDIS });
  const routingStats = new MemoryStats();
  const router = testRoutingBackend({ legacy: new Map([[REDIS, legacy]]), pacer: await pacerBackend(routingStats), routes, defaultDestination: { mode: 'pacer' }, stats: routingStats });
  routing = await serve(router, routingStats, 'health:routing');
  await pacer.client.createQueue(QUEUE);
  await routing.client.createQueue(LEGACY_QUEUE);
  await pacer.client.enqueue(QUEUE, Array.from({ length: 6 }, (_, i) => ({ body: `job${i}` })));
});

afterAll(async () => {
  await pacer?.client.close();
  await routing?.client.close();
  await pacer?.gateway.close();
  await routing?.gateway.close();
  await pacer?.backend.close();
  await routing?.backend.close(); // closes the legacy backend and its own Pacer backend
  await telemetry?.close();
  await procs?.close();
  await releaseNamespace(redisKeysNamespace(shards.flatMap(shardKeyPatterns)));
  await chroot?.remove();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

it('both gateways are ready while the broker serves every partition of the queue', async () => {
  const h = await eventually(async () => {
    const got = await health(pacer);
    expect(got).toMatchObject({ status: 200, body: { healthy: true, status: 'ok' } });
    return got;
  }, { timeoutMs: 20_000 });
  expect(h.body.unserved).toBeUndefined();
  expect(await health(routing)).toMatchObject({ status: 200, body: { healthy: true, status: 'ok' } });
});

it('the broker killed: the Pacer gateway is unready within the session timeout + grace, naming the queue and its partitions', async () => {
  const killedAt = Date.now();
  await procs.kill(broker);
  const h = await eventually(async () => {
    const got = await health(pacer);
    expect(got.status).toBe(503);
    return got;
  }, { timeoutMs: SESSION_TIMEOUT_MS + GRACE_MS + SLACK_MS, intervalMs: 100 });
  expect(Date.now() - killedAt).toBeGreaterThan(GRACE_MS);
  expect(h.body).toMatchObject({ healthy: false, status: 'unready' });
  expect(h.body.unserved).toMatchObject({ queueCount: 1, queues: [QUEUE], partitionCount: 2, partitions: [`${QUEUE}_0`, `${QUEUE}_1`] });
  expect(h.body.unserved?.detail).toMatch(/^2 partition\(s\) of 1 queue\(s\) without a live broker in the routing view for more than 1\.0 s/);
});

it('a dequeue and a dry-run dequeue are both refused with NO_HEALTHY_SHARDS, and the call metric names that code', async () => {
  const real = await errorOf(pacer.client.dequeue({ queue: QUEUE, limit: 5 }));
  expect(real).toMatchObject({ errorCode: ErrorCode.NO_HEALTHY_SHARDS, message: 'Unable to find healthy shard' });
  // PinLater's dry run answers what a dequeue would: not jobs no broker can hand out.
  const dry = await errorOf(pacer.client.dequeue({ queue: QUEUE, limit: 5, dryRun: true }));
  expect(dry).toMatchObject({ errorCode: ErrorCode.NO_HEALTHY_SHARDS, message: 'Unable to find healthy shard' });
  const metrics = (await fetchText(pacer.gateway.adminPort as number, '/metrics')).body;
  const calls = `${prometheusName(METRICS.rpcServerDuration)}_count`;
  expect(sample(metrics, calls, { rpc_method: 'PinLater/dequeueJobs', error_type: 'NO_HEALTHY_SHARDS' })).toBeGreaterThanOrEqual(2);
  expect(sample(metrics, calls, { rpc_method: 'PinLater/dequeueJobs', error_type: 'INTERNAL_ERROR' })).toBeUndefined();
  const backendOps = `${prometheusName(METRICS.backendOperationDuration)}_count`;
  expect(sample(metrics, backendOps, { messaging_operation_name: 'dequeueJobs', pinlater_backend: 'pacer', error_type: 'NO_HEALTHY_SHARDS' })).toBeGreaterThanOrEqual(2);
  // The legacy counter keeps PinLater's naming (FACTS §9), for existing dashboards.
  expect((await fetchText(pacer.gateway.adminPort as number, '/stats.txt')).body).toMatch(/PinLater\.dequeueJobs\.errors\.INTERNAL_ERROR: [2-9]/);
});

it('the routing gateway stays ready but degraded, names the Pacer queue, and keeps serving its Redis queue', async () => {
  const h = await eventually(async () => {
    const got = await health(routing);
    expect(got.body.status).toBe('degraded');
    return got;
  }, { timeoutMs: 10_000, intervalMs: 100 });
  expect(h).toMatchObject({ status: 200, body: { healthy: true } });
  expect(h.body.unserved).toMatchObject({ queues: [QUEUE], partitionCount: 2 });
  expect(h.body.unserved?.detail).toMatch(/^pacer: 2 partition\(s\)/);
  expect(h.body.systems?.pacer).toMatchObject({ healthy: false, status: 'unready' });
  const [descriptor] = await routing.client.enqueue(LEGACY_QUEUE, [{ body: 'still-served' }]);
  const { jobs } = await routing.client.dequeue({ queue: LEGACY_QUEUE, limit: 5 });
  expect(Object.keys(jobs ?? {})).toEqual([descriptor]);
});

it('the broker back: both gateways are ready again and the jobs are dequeued', async () => {
  broker = await procs.startBroker(BROKER);
  await eventually(async () => expect(await health(pacer)).toMatchObject({ status: 200, body: { healthy: true, status: 'ok' } }), { timeoutMs: 30_000, intervalMs: 100 });
  await eventually(async () => expect(await health(routing)).toMatchObject({ status: 200, body: { status: 'ok' } }), { timeoutMs: 10_000, intervalMs: 100 });
  const dry = await pacer.client.dequeue({ queue: QUEUE, limit: 10, dryRun: true });
  expect(Object.keys(dry.jobs ?? {})).toHaveLength(6);
  const got = await eventually(async () => {
    const r = await pacer.client.dequeue({ queue: QUEUE, limit: 10 });
    expect(Object.keys(r.jobs ?? {})).toHaveLength(6);
    return r;
  }, { timeoutMs: 10_000 });
  expect(Object.values(got.jobs ?? {}).map((b) => b.toString()).sort()).toEqual(['job0', 'job1', 'job2', 'job3', 'job4', 'job5']);
});
