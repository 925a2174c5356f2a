/**
 * `GET /backlog?queue=<name>` on a real routing gateway's admin port (gateway/src/admin/
 * backlog-endpoint.ts): the routing gateway composed as routing-gateway-composition.test.ts does
 * (a legacy PinLater Redis cluster and Pacer, embedded, in fresh namespaces; a routing table held
 * in this process), served by startGateway on free ports, with a PinLater Thrift client enqueuing
 * and dequeuing through it. The Redis cluster is reached through a TCP proxy the test can cut.
 *
 * The systems the admin port reads are the gateway's own backends behind a thin recorder that
 * counts (and can hold) their getJobCount calls: that is how the bounds are checked (one read per
 * queue per second, concurrent requests sharing one read).
 *
 * A last test runs `gateway/src/main.ts --routing-config` as its own process, with the routing table
 * in a fresh ZooKeeper chroot, to check the endpoint as operators deploy it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { silentLogger } from '../../core/src/logging/logger';
import { MemoryRouteSource } from '../../core/src/routing/memory-route-source';
import { DEFAULT_LEGACY_SETTINGS } from '../../core/src/types/legacy-backend-options';
import type { CountRequest } from '../../core/src/types/requests';
import { systemClock } from '../../core/src/util/clock';
import { startGateway, type RunningGateway } from '../../gateway/src/gateway-process';
import type { RoutingGatewayConfig } from '../../gateway/src/routing-config';
import { buildRoutingGateway, type RoutingGateway } from '../../gateway/src/routing-gateway';
import { redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { legacySettings } from '../conformance/backends/legacy-settings';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { ClusterProcess } from '../support/pacer-processes';
import { writeShippedProperties } from '../support/shipped-properties';
import { TcpProxy } from '../support/tcp-proxy';
import { testEnv } from '../support/test-env';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';
import { routingTable, type RoutingTableFixture } from './routing-fixtures';

const ROOT = join(__dirname, '..', '..');
const NS = { label: 'gateway-backlog-endpoint', monitor: {} };
const REDIS = 'redis-a';
const HOUR_MS = 3_600_000;
const shards = [`${uniqueShardBase()}a`];

interface Body {
  queue: string | null;
  ready?: number;
  inProgress?: number;
  future?: number;
  dequeueRatePerSecond?: number;
  system?: string;
  at?: string;
  error?: string;
  errorCode?: string;
}

/** getJobCount calls the admin port made, per queue, and an optional hold on them. */
class CountRecorder {
  readonly started = new Map<string, number>();
  hold: { queue: string; until: Promise<void> } | undefined;

  startedFor(queue: string): number {
    return this.started.get(queue) ?? 0;
  }

  /** `backend` with its getJobCount recorded (and held while `hold` names the queue); every other member as is. */
  wrap(backend: PinLaterBackend): PinLaterBackend {
    return new Proxy(backend, {
      get: (target, property) => {
        if (property === 'getJobCount') {
          return async (req: CountRequest): Promise<number> => {
            this.started.set(req.queue, this.startedFor(req.queue) + 1);
            if (this.hold?.queue === req.queue) await this.hold.until;
            return target.getJobCount(req);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

let dir: string;
let pacerDb: PacerDb;
let redisProxy: TcpProxy;
let routes: MemoryRouteSource;
let composed: RoutingGateway;
let gateway: RunningGateway;
let client: ConformanceClient;
const recorder = new CountRecorder();

function config(): RoutingGatewayConfig {
  const { host, port, user, password } = testEnv().mysql;
  const settings = { ...legacySettings(NS), socketTimeoutMs: 1000, autoRetries: 0 };
  const redisConfig = { shards: shards.map((name) => ({ name, shardConfig: { master: { host: '127.0.0.1', port: redisProxy.port }, dequeueOnly: false } })) };
  return {
    file: join(dir, 'routing.json'),
    legacyClusters: [{ name: REDIS, backend: 'legacy-redis', backendConfig: redisConfig, backendConfigPath: join(dir, 'redis.json'), propertiesPath: join(dir, 'redis.properties'), settings }],
    pacer: { backendConfig: { mode: 'embedded', mysql: { host, port, user, password, database: pacerDb.mysql.database, connectionLimit: 4 } }, backendConfigPath: join(dir, 'pacer.json') },
    table: { zookeeper: '127.0.0.1:2181', root: '/pinlater-routing', defaultDestination: { mode: 'pacer' }, gatewayId: 'backlog-test' },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backlog-endpoint-'));
  pacerDb = await freshPacerDb();
  redisProxy = await TcpProxy.start(testEnv().redis.host, testEnv().redis.port);
  routes = new MemoryRouteSource();
  composed = await buildRoutingGateway(config(), {
    pacerSettings: { ...DEFAULT_LEGACY_SETTINGS, monitor: { ...DEFAULT_LEGACY_SETTINGS.monitor, enabled: false } },
    gatewayId: 'backlog-test',
    openRouteSource: () => Promise.resolve(routes),
    logger: silentLogger(),
    stats: new MemoryStats(),
    clock: systemClock,
  });
  const systems = new Map([...composed.systems].map(([name, backend]) => [name, recorder.wrap(backend)] as const));
  gateway = await startGateway({
    host: '127.0.0.1', thriftPort: 0, adminPort: 0, maxFrameBytes: 1024 * 1024, idleTimeoutMs: 60_000, maxConcurrentRequests: 100, shutdownGraceMs: 2000,
    dequeueConcurrencyPerQueuePerShard: 4, adminPasswordHash: undefined, hostname: 'testhost', queueListRefreshMs: 500,
  }, {
    backend: composed.backend, rateLimiter: { allowDequeue: () => true }, stats: new MemoryStats(), clock: systemClock, logger: silentLogger(),
    routing: { routeOf: composed.routeOf, systems },
  });
  client = await ConformanceClient.connect({ host: '127.0.0.1', port: gateway.thriftPort }, 'backlog-test');
}, 120_000);

afterAll(async () => {
  await client?.close();
  await gateway?.close();
  await composed?.backend.close();
  await redisProxy?.close();
  rmSync(dir, { recursive: true, force: true });
  await releaseNamespace(redisKeysNamespace(shards.flatMap(redisShardKeyPatterns)));
  await pacerDb?.db.drop();
  await assertNoLeaks();
}, 60_000);

async function backlog(query: string, port = gateway.adminPort as number): Promise<{ status: number; body: Body; type: string | null }> {
  const res = await fetch(`http://127.0.0.1:${port}/backlog?${query}`, { signal: AbortSignal.timeout(15_000) });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Body };
}

/** Enqueues `ready` jobs to run now and `future` jobs to run in an hour, through the gateway. */
async function fill(queue: string, ready: number, future: number): Promise<void> {
  if (ready > 0) await client.enqueue(queue, Array.from({ length: ready }, (_, i) => ({ body: `r${i}` })));
  if (future > 0) await client.enqueue(queue, Array.from({ length: future }, (_, i) => ({ body: `f${i}`, runAfterMs: Date.now() + HOUR_MS })));
}

/** How many jobs a dequeue through the gateway returned. */
async function dequeued(spec: { queue: string; limit: number }): Promise<number> {
  return Object.keys((await client.dequeue(spec)).jobs ?? {}).length;
}

const system = (name: string): PinLaterBackend => composed.systems.get(name) as PinLaterBackend;
const job = (body: string) => ({ body: Buffer.from(body), priority: 1, attemptsAllowed: 1, customStatus: '' });

describe('the numbers', () => {
  it('a Pacer queue: ready, in progress and future jobs after enqueuing and dequeuing through the gateway, its system and when it was read', async () => {
    await client.createQueue('bk_pacer');
    await fill('bk_pacer', 5, 2);
    expect(await dequeued({ queue: 'bk_pacer', limit: 2 })).toBe(2);
    const before = Date.now();
    const answer = await backlog('queue=bk_pacer');
    expect(answer).toMatchObject({ status: 200, type: 'application/json' });
    expect(Object.keys(answer.body)).toEqual(['queue', 'ready', 'inProgress', 'future', 'dequeueRatePerSecond', 'system', 'at']);
    expect(answer.body).toMatchObject({ queue: 'bk_pacer', ready: 3, inProgress: 2, future: 2, system: 'pacer' });
    const at = Date.parse(answer.body.at ?? '');
    expect(at).toBeGreaterThanOrEqual(before - 5);
    expect(at).toBeLessThanOrEqual(Date.now() + 5);
    expect(answer.body.at).toBe(new Date(at).toISOString());
  }, 60_000);

  it('a legacy Redis queue by its record, one without a record found on its cluster, and a migrating queue counted on both sides', async () => {
    routes.set('bk_redis', { mode: 'legacy', cluster: REDIS });
    await client.createQueue('bk_redis');
    await fill('bk_redis', 4, 1);
    expect(await dequeued({ queue: 'bk_redis', limit: 1 })).toBe(1);
    expect((await backlog('queue=bk_redis')).body).toMatchObject({ ready: 3, inProgress: 1, future: 1, system: REDIS });

    await system(REDIS).createQueue('bk_unrouted'); // there before the gateway: no record
    await system(REDIS).enqueueJobs({ queue: 'bk_unrouted', jobs: [job('a'), job('b')] });
    expect((await backlog('queue=bk_unrouted')).body).toMatchObject({ ready: 2, inProgress: 0, future: 0, system: REDIS });

    routes.set('bk_moving', { mode: 'migrating', legacyCluster: REDIS, direction: 'to-pacer' });
    await client.createQueue('bk_moving'); // on both sides
    await system(REDIS).enqueueJobs({ queue: 'bk_moving', jobs: [job('left')] });
    await system('pacer').enqueueJobs({ queue: 'bk_moving', jobs: [job('moved'), job('new')] });
    expect((await backlog('queue=bk_moving')).body).toMatchObject({ ready: 3, inProgress: 0, future: 0, system: `${REDIS}+pacer` });
  }, 60_000);

  it('the dequeue rate: jobs dequeued through this gateway over the last 60 s, per second (not those dequeued elsewhere)', async () => {
    await client.createQueue('bk_rate');
    await fill('bk_rate', 40, 0);
    for (let i = 0; i < 3; i++) expect(await dequeued({ queue: 'bk_rate', limit: 10 })).toBe(10);
    const elsewhere = await system('pacer').dequeueJobs({ queue: 'bk_rate', limit: 5, dryRun: false, coverage: 1, claimDescriptor: 'elsewhere:1:1:other:1' });
    expect(elsewhere.jobs).toHaveLength(5);
    expect((await backlog('queue=bk_rate')).body).toMatchObject({ ready: 5, inProgress: 35, dequeueRatePerSecond: 0.5 });
  }, 60_000);
});

describe('errors', () => {
  it.each([
    ['', 'QUEUE_NAME_INVALID'],
    ['queue=a&queue=b', 'QUEUE_NAME_INVALID'],
    ['queue=bad%2Fname', 'QUEUE_NAME_INVALID'],
    ['queue=%00', 'QUEUE_NAME_INVALID'],
    [`queue=${'q'.repeat(256)}`, 'QUEUE_NAME_TOO_LONG'],
  ])('400 for the query %j (%s)', async (query, errorCode) => {
    expect(await backlog(query)).toMatchObject({ status: 400, type: 'application/json', body: { queue: null, errorCode } });
  });

  it("404 for a queue that exists nowhere, and for a shadow copy's name", async () => {
    await client.createQueue('bk_shadowed_src');
    await system('pacer').createQueue('zz_pacer_shadow__bk_shadowed_src');
    for (const queue of ['bk_no_such_queue', 'zz_pacer_shadow__bk_shadowed_src']) {
      expect(await backlog(`queue=${queue}`)).toEqual({ status: 404, type: 'application/json', body: { queue, error: `Queue not found: ${queue}`, errorCode: 'QUEUE_NOT_FOUND' } });
    }
  }, 60_000);

  it('503 with the PinLater error code when the Redis cluster is unreachable (Pacer queues still answer), and for a route to an unknown cluster', async () => {
    routes.set('bk_outage', { mode: 'legacy', cluster: REDIS });
    await client.createQueue('bk_outage');
    await client.createQueue('bk_outage_pacer');
    expect((await backlog('queue=bk_outage')).status).toBe(200);
    redisProxy.cut();
    try {
      const down = await eventually(async () => {
        const answer = await backlog('queue=bk_outage');
        expect(answer.status).toBe(503);
        return answer;
      }, { timeoutMs: 15_000 });
      expect(down.body).toMatchObject({ queue: 'bk_outage', errorCode: 'SHARD_CONNECTION_FAILED', error: expect.stringContaining('Redis connection to 127.0.0.1 failed') });
      expect((await backlog('queue=bk_outage_pacer')).body).toMatchObject({ system: 'pacer', ready: 0 });
    } finally {
      redisProxy.restore();
    }
    routes.set('bk_nowhere', { mode: 'legacy', cluster: 'mysql-z' });
    expect(await backlog('queue=bk_nowhere')).toMatchObject({
      status: 503, body: { errorCode: 'UNKNOWN', error: "Queue bk_nowhere is routed to system 'mysql-z', which this gateway does not serve" },
    });
    await eventually(async () => expect((await backlog('queue=bk_outage')).status).toBe(200), { timeoutMs: 15_000 });
  }, 60_000);
});

describe('bounds', () => {
  it('reads a queue at most once per second however often it is polled; a change shows once the answer is a second old', async () => {
    await client.createQueue('bk_cache');
    await fill('bk_cache', 2, 0);
    const startedAt = Date.now();
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await backlog('queue=bk_cache'));
    const elapsedMs = Date.now() - startedAt;
    const reads = recorder.startedFor('bk_cache') / 3; // three counts per read
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(Math.floor(elapsedMs / 1000) + 1);
    expect(answers.every((a) => a.status === 200 && a.body.ready === 2)).toBe(true);
    await fill('bk_cache', 1, 0);
    const fresh = await eventually(async () => {
      const answer = await backlog('queue=bk_cache');
      expect(answer.body.ready).toBe(3);
      return answer;
    }, { timeoutMs: 5000 });
    expect(Date.parse(fresh.body.at ?? '')).toBeGreaterThan(Date.parse(answers[0]?.body.at ?? ''));
  }, 60_000);

  it('requests for a queue that arrive while it is being read share that one read', async () => {
    await client.createQueue('bk_burst');
    await fill('bk_burst', 7, 0);
    let release: () => void = () => undefined;
    recorder.hold = { queue: 'bk_burst', until: new Promise<void>((resolve) => (release = resolve)) };
    try {
      const burst = Array.from({ length: 20 }, () => backlog('queue=bk_burst'));
      await eventually(() => expect(recorder.startedFor('bk_burst')).toBeGreaterThanOrEqual(1));
      // Every request of the burst was sent before this one; once it is answered, they have been handled.
      expect((await fetch(`http://127.0.0.1:${gateway.adminPort}/live`)).status).toBe(200);
      expect(recorder.startedFor('bk_burst')).toBe(1);
      release();
      const answers = await Promise.all(burst);
      expect(new Set(answers.map((a) => JSON.stringify(a)))).toHaveProperty('size', 1);
      expect(answers[0]?.body).toMatchObject({ ready: 7 });
      expect(recorder.startedFor('bk_burst')).toBe(3);
    } finally {
      recorder.hold = undefined;
      release();
    }
  }, 60_000);
});

describe('the gateway process', () => {
  let table: RoutingTableFixture | undefined;
  let proc: ClusterProcess | undefined;

  afterAll(async () => {
    proc?.signal('SIGTERM');
    await proc?.exited();
    await table?.release();
  }, 60_000);

  it('serves /backlog on the admin port of `main.ts --routing-config`, by the routing table in ZooKeeper', async () => {
    table = await routingTable();
    const [thriftPort, adminPort] = [await freePort(), await freePort()];
    const { host, port, user, password } = testEnv().mysql;
    writeFileSync(join(dir, 'proc-redis.json'), JSON.stringify({ shards: shards.map((name) => ({ name, shardConfig: { master: { host: testEnv().redis.host, port: testEnv().redis.port }, dequeueOnly: false } })) }));
    writeShippedProperties(join(dir, 'proc-redis.properties'), 'redis.local.properties', { GATEWAY_MONITOR_ENABLED: 'false', BACKEND_CONNECTIONS_PER_SHARD: '2' });
    writeFileSync(join(dir, 'proc-pacer.json'), JSON.stringify({ mode: 'embedded', mysql: { host, port, user, password, database: pacerDb.db.name, connectionLimit: 2 } }));
    writeShippedProperties(join(dir, 'proc-gateway.properties'), 'pacer.local.properties', {
      GATEWAY_HOST: '127.0.0.1', THRIFT_PORT: String(thriftPort), OSTRICH_PORT: String(adminPort), SERVER_SET_ENABLED: 'false', GATEWAY_SHUTDOWN_GRACE_SECONDS: '2',
    }, ['QUEUE_CONFIG_FILE_PATH']);
    writeFileSync(join(dir, 'proc-routing.json'), JSON.stringify({
      legacyClusters: [{ name: REDIS, backend: 'legacy-redis', backendConfig: 'proc-redis.json', properties: 'proc-redis.properties' }],
      pacer: { backendConfig: 'proc-pacer.json' },
      routing: { zookeeper: table.connectString, defaultDestination: 'pacer', gatewayId: 'backlog-proc' },
    }));
    await table.store.write('bk_redis', { mode: 'legacy', legacyCluster: REDIS, changedBy: 'backlog-test', reason: 'backlog test' }, 0);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'gateway/src/main.ts', '--properties', join(dir, 'proc-gateway.properties'), '--routing-config', join(dir, 'proc-routing.json')],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc = new ClusterProcess('backlog-gateway', child);
    await proc.waitFor('gateway listening', 60_000);
    await eventually(async () => expect((await backlog('queue=bk_redis', adminPort)).body).toMatchObject({ ready: 3, inProgress: 1, future: 1, system: REDIS }), { timeoutMs: 15_000 });
    expect((await backlog('queue=bk_pacer', adminPort)).body).toMatchObject({ ready: 3, inProgress: 2, future: 2, system: 'pacer', dequeueRatePerSecond: 0 });
    expect((await backlog('queue=bk_no_such_queue', adminPort)).status).toBe(404);
  }, 120_000);
});
