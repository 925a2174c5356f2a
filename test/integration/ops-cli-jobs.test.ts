/**
 * `pinlater-ops jobs stuck|release|retry-failed|delete` against real gateways: the real gateway
 * (startConformanceGateway, in-process) in front of legacy Redis, legacy MySQL and Pacer (static
 * topology: a real dequeue broker behind its Thrift RPC), each in a fresh namespace. The commands
 * run in-process (ops-cli-in-process.ts: the same `runPinlaterOps` the bin runs) and talk PinLater
 * Thrift to the gateway; every effect is checked through a separate client, never through the CLI
 * alone. Also `pinlater-ops pacer broker-status` and the broker admin port's /status against that
 * broker, and the options the commands refuse.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../core/src/logging/logger';
import { MemoryStats } from '../../core/src/interfaces/stats';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { systemClock } from '../../core/src/util/clock';
import { GatewayConnection } from '../../migration/src/cli/gateway-client';
import { queueStatusCommand } from '../../migration/src/cli/queue-status-command';
import { releaseStuckJobs } from '../../migration/src/cli/stuck-job-release';
import { findStuckJobs } from '../../migration/src/cli/stuck-jobs';
import { BrokerServer, createConfiguredPacerBackend, createDequeueBroker, ThriftBrokerClient, type DequeueBroker } from '../../pacer';
import { BrokerAdminServer } from '../../pacer/src/broker/broker-admin-server';
import { buildLegacyMysqlSystem } from '../conformance/backends/legacy-mysql';
import { buildLegacyRedisSystem } from '../conformance/backends/legacy-redis';
import { ConformanceClient, JobState, type JobSpec, type JobStateValue } from '../conformance/harness/conformance-client';
import { startConformanceGateway, type ConformanceGateway } from '../conformance/harness/gateway-harness';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { writeShippedProperties } from '../support/shipped-properties';
import { runOps, runSubcommand } from './ops-cli-in-process';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';
import { routingTable, type RoutingTableFixture } from './routing-fixtures';

jest.setTimeout(60_000);

const NS = { label: 'ops-cli-jobs', monitor: {} };

interface SystemUnderTest {
  readonly backend: PinLaterBackend;
  readonly gateway: ConformanceGateway;
  /** `host:port` of the gateway, as --gateway takes it. */
  readonly address: string;
  /** A worker's client (source `worker-a`) and the test's own view. */
  readonly client: ConformanceClient;
  /** Creates a queue (Pacer: and assigns its partition to the broker). */
  createQueue(queue: string): Promise<void>;
  close(): Promise<void>;
}

interface PacerParts {
  db: PacerDb;
  broker: DequeueBroker;
  server: BrokerServer;
  admin: BrokerAdminServer;
}

const systems = new Map<string, SystemUnderTest>();
let pacer: PacerParts;
/** The legacy Redis cluster's backend JSON (for the routing config of `queue status`). */
let redisBackendConfig: unknown;

async function front(backend: PinLaterBackend, createQueue: (queue: string) => Promise<void>, closeBackend: () => Promise<void>): Promise<SystemUnderTest> {
  const gateway = await startConformanceGateway(backend, {});
  const client = await ConformanceClient.connect(gateway.address, 'worker-a');
  return {
    backend, gateway, client, createQueue,
    address: `${gateway.address.host}:${gateway.address.port}`,
    close: async () => {
      await client.close();
      await gateway.close();
      await closeBackend();
    },
  };
}

async function startPacer(): Promise<SystemUnderTest> {
  const db = await freshPacerDb();
  const broker = createDequeueBroker({ brokerId: 'ops-jobs-broker', mysql: db.mysql, safetySweepMs: 0, monitor: { enabled: false } });
  const server = await BrokerServer.listen(broker, '127.0.0.1', 0, silentLogger());
  const admin = await BrokerAdminServer.listen(broker, 0, undefined, silentLogger());
  pacer = { db, broker, server, admin };
  const context = { numPriorityLevels: 3, monitor: {}, logger: silentLogger(), stats: new MemoryStats(), clock: systemClock };
  const backend = await createConfiguredPacerBackend({ mode: 'static', mysql: db.mysql, defaultPartitions: 1, brokers: { fallback: `127.0.0.1:${server.port}` } }, context);
  return front(backend, async (queue) => {
    await backend.createQueue(queue);
    await broker.assign(queue, 0);
  }, async () => {
    await backend.close();
    await admin.close();
    await server.close();
    await broker.close();
    await db.db.drop();
  });
}

beforeAll(async () => {
  const [redis, mysql, pacerSystem] = await Promise.all([buildLegacyRedisSystem(NS), buildLegacyMysqlSystem(NS), startPacer()]);
  redisBackendConfig = redis.backendConfig;
  const legacy = (s: typeof redis): Promise<SystemUnderTest> => front(s.instance.backend, (q) => s.instance.backend.createQueue(q), () => s.instance.cleanup());
  systems.set('legacy-redis', await legacy(redis));
  systems.set('legacy-mysql', await legacy(mysql));
  systems.set('pacer', pacerSystem);
}, 60_000);

afterAll(async () => {
  for (const s of systems.values()) await s.close();
}, 60_000);
afterAll(assertNoLeaks);

let queueCounter = 0;
/** A fresh queue on the system, with `n` jobs enqueued (bodies job_0…). */
async function queueWithJobs(s: SystemUnderTest, n: number, extra: { attemptsAllowed?: number; priority?: number; runAfterMs?: number } = {}): Promise<string> {
  queueCounter += 1;
  const queue = `ops_jobs_${queueCounter}`;
  await s.createQueue(queue);
  const job = (i: number): JobSpec => ({ body: `job_${i}`, attemptsAllowed: extra.attemptsAllowed ?? 2, priority: extra.priority ?? 1, ...(extra.runAfterMs === undefined ? {} : { runAfterMs: extra.runAfterMs }) });
  if (n > 0) await s.client.enqueue(queue, Array.from({ length: n }, (_, i) => job(i)));
  return queue;
}

/** Dequeues until `n` jobs are claimed (a Pacer broker fills its buffer asynchronously). */
async function claim(s: SystemUnderTest, queue: string, n: number): Promise<string[]> {
  const claimed: string[] = [];
  await eventually(async () => {
    const reply = await s.client.dequeue({ queue, limit: n - claimed.length });
    claimed.push(...Object.keys(reply.jobs ?? {}));
    expect(claimed).toHaveLength(n);
  }, { timeoutMs: 10_000 });
  return claimed.sort();
}

async function stateOf(s: SystemUnderTest, descriptor: string): Promise<number | undefined> {
  return (await s.client.lookupOne(descriptor))?.jobState;
}

/** Jobs of the state (current and future run-after), of one priority or all. */
async function count(s: SystemUnderTest, queue: string, state: JobStateValue, priority?: number): Promise<number> {
  const counts = await Promise.all([false, true].map((future) => s.client.count({ queue, state, future, ...(priority === undefined ? {} : { priority }) })));
  return counts.reduce((a, b) => a + b, 0);
}

interface StuckJson {
  gateway: string;
  scanned: number;
  complete: boolean;
  found: number;
  jobs: Array<{ descriptor: string; priority: number; attemptsRemaining: number; attemptsAllowed: number; claimedSinceMs: number; claimedForSeconds: number; customStatus: string }>;
  exitCode: number;
}

interface ReleaseJson {
  attempted: number;
  released: number;
  results: Array<{ descriptor: string; outcome: string; released: boolean; stateAfter: string | null }>;
  exitCode: number;
}

function json<T>(run: { code: number | null; stdout: string; stderr: string }): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not one JSON document (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

describe.each(['legacy-redis', 'legacy-mysql', 'pacer'])('pinlater-ops jobs on %s', (name) => {
  const sut = (): SystemUnderTest => systems.get(name) as SystemUnderTest;

  it('jobs stuck: none while the claims are young (exit 0), all of them once older than --older-than-seconds (exit 2)', async () => {
    const s = sut();
    // Due two hours ago: the claim time, not the run-after, says how long a job has been claimed.
    const queue = await queueWithJobs(s, 3, { runAfterMs: Date.now() - 7_200_000 });
    const claimed = await claim(s, queue, 3);
    const young = await runOps(['jobs', 'stuck', queue, '--gateway', s.address, '--older-than-seconds', '3600', '--json']);
    expect({ code: young.code, stderr: young.stderr }).toEqual({ code: 0, stderr: '' });
    expect(json<StuckJson>(young)).toMatchObject({ scanned: 3, complete: true, found: 0, jobs: [], exitCode: 0 });
    // The three claims are made one after another (claim()), so they pass the 1 s mark at different
    // times: wait until all three have.
    const old = await eventually(async () => {
      const run = await runOps(['jobs', 'stuck', queue, '--gateway', s.address, '--older-than-seconds', '1', '--json']);
      expect(run.code).toBe(2);
      const found = json<StuckJson>(run);
      expect(found.found).toBe(3);
      return found;
    }, { timeoutMs: 10_000, intervalMs: 250 });
    expect(old).toMatchObject({ gateway: s.address, scanned: 3, complete: true, found: 3, exitCode: 2 });
    expect(old.jobs.map((j) => j.descriptor).sort()).toEqual(claimed);
    for (const j of old.jobs) expect(j).toMatchObject({ priority: 1, attemptsRemaining: 2, attemptsAllowed: 2, customStatus: '' });
    expect(old.jobs[0]!.claimedForSeconds).toBeGreaterThanOrEqual(1);
    const text = await runOps(['jobs', 'stuck', queue, '--gateway', s.address, '--older-than-seconds', '0', '--limit', '2']);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(`Stuck jobs of queue ${queue}`);
    expect(text.stdout).toMatch(/DESCRIPTOR +PRIORITY +ATTEMPTS LEFT +CLAIMED SINCE +CUSTOM STATUS/);
    expect(text.stdout).toContain('the 2 oldest shown (--limit)');
    expect(text.stdout).toContain('2 of 2');
  });

  it('jobs release: "released 3 of 3", the jobs are PENDING and dequeuable again, no attempt consumed; nothing stuck after', async () => {
    const s = sut();
    const queue = await queueWithJobs(s, 3);
    const claimed = await claim(s, queue, 3);
    const run = await runOps(['jobs', 'release', queue, '--gateway', s.address, '--older-than-seconds', '0', '--yes']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`Released 3 of 3 stuck job(s) of queue ${queue}.`);
    for (const d of claimed) expect(await stateOf(s, d)).toBe(JobState.PENDING);
    const again = await claim(s, queue, 3);
    expect(again).toEqual(claimed);
    const infos = await s.client.lookup(again);
    for (const d of again) expect(infos[d]).toMatchObject({ jobState: JobState.IN_PROGRESS, attemptsRemaining: 2 });
    await s.client.ack({ queue, succeeded: again.map((descriptor) => ({ descriptor })) });
    const after = await runOps(['jobs', 'stuck', queue, '--gateway', s.address, '--older-than-seconds', '0']);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(': none');
  });

  it('jobs release of a job acked after it was found stuck: reported not released, and it stays SUCCEEDED', async () => {
    const s = sut();
    const queue = await queueWithJobs(s, 3);
    const claimed = await claim(s, queue, 3);
    const connection = new GatewayConnection(s.client, s.gateway.address);
    const found = await findStuckJobs(connection, { queue, olderThanSeconds: 0, limit: 10, scanLimit: 100 }, () => Date.now());
    expect(found.jobs.map((j) => j.descriptor).sort()).toEqual(claimed);
    const acked = claimed[0]!;
    await s.client.ack({ queue, succeeded: [{ descriptor: acked }] });
    const report = await releaseStuckJobs(connection, queue, found.jobs);
    expect({ attempted: report.attempted, released: report.released }).toEqual({ attempted: 3, released: 2 });
    expect(report.results.find((r) => r.descriptor === acked)).toEqual({ descriptor: acked, outcome: 'finished', released: false, stateAfter: 'SUCCEEDED' });
    expect(await stateOf(s, acked)).toBe(JobState.SUCCEEDED);
    expect(await count(s, queue, JobState.PENDING)).toBe(2); // the acked job was not put back (legacy Redis would have)
    // The two released jobs, claimed again and released through the CLI: its JSON report.
    const again = await claim(s, queue, 2);
    const run = await runOps(['jobs', 'release', queue, '--gateway', s.address, '--older-than-seconds', '0', '--yes', '--json']);
    const doc = json<ReleaseJson>(run);
    expect({ code: run.code, attempted: doc.attempted, released: doc.released, exitCode: doc.exitCode }).toEqual({ code: 0, attempted: 2, released: 2, exitCode: 0 });
    expect(doc.results.map((r) => [r.descriptor, r.outcome, r.released, r.stateAfter]).sort()).toEqual(again.map((d) => [d, 'released', true, 'PENDING']));
  });

  it('jobs retry-failed and jobs delete report the counts PinLater returned', async () => {
    const s = sut();
    const queue = await queueWithJobs(s, 3, { attemptsAllowed: 1 });
    await s.client.enqueue(queue, [{ body: 'p2_job', attemptsAllowed: 1, priority: 2 }]);
    const claimed = await claim(s, queue, 4);
    await s.client.ack({ queue, failed: claimed.map((descriptor) => ({ descriptor })) });
    expect(await count(s, queue, JobState.FAILED)).toBe(4);
    const retry = await runOps(['jobs', 'retry-failed', queue, '--gateway', s.address, '--attempts', '3', '--yes', '--json']);
    expect({ code: retry.code, stderr: retry.stderr }).toEqual({ code: 0, stderr: '' });
    expect(json<Record<string, unknown>>(retry)).toMatchObject({ queue, priority: 1, attempts: 3, failedBefore: 3, retried: 3, failedLeft: 1, exitCode: 0 });
    expect(await count(s, queue, JobState.PENDING, 1)).toBe(3);
    expect(await count(s, queue, JobState.FAILED, 2)).toBe(1);
    const p2 = await runOps(['jobs', 'retry-failed', queue, '--gateway', s.address, '--priority', '2', '--yes']);
    expect(p2.code).toBe(0);
    expect(p2.stdout).toContain(`Retried 1 FAILED job(s) of queue ${queue} (priority 2): PENDING now. FAILED jobs left (all priorities): 0.`);

    await s.client.enqueue(queue, [{ body: 'drop_me_1' }, { body: 'drop_me_2' }, { body: 'keep_me' }]);
    const deleted = await runOps(['jobs', 'delete', queue, '--gateway', s.address, '--state', 'pending', '--body-regex', 'drop_me', '--yes', '--json']);
    expect({ code: deleted.code, stderr: deleted.stderr }).toEqual({ code: 0, stderr: '' });
    expect(json<Record<string, unknown>>(deleted)).toMatchObject({ state: 'PENDING', priority: 1, bodyRegex: 'drop_me', matchingBefore: 2, deleted: 2, matchingLeft: 0 });
    expect(await count(s, queue, JobState.PENDING, 1)).toBe(4); // 3 retried + keep_me
    const all = await runOps(['jobs', 'delete', queue, '--gateway', s.address, '--state', 'pending', '--limit', '3', '--yes']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(`Deleted 3 PENDING job(s) of queue ${queue} (priority 1). Matching jobs left: 1.`);
    expect(await count(s, queue, JobState.PENDING, 1)).toBe(1);
  });
});

describe('pinlater-ops jobs refuses bad input', () => {
  const redis = (): SystemUnderTest => systems.get('legacy-redis') as SystemUnderTest;

  it('bad queue names, priorities, states, regexes, limits and endpoints are usage errors (64), before any call', async () => {
    const g = ['--gateway', '127.0.0.1:1']; // nothing listens there: a call would fail with 1, not 64
    const cases: string[][] = [
      ['jobs', 'stuck', 'bad-name', ...g],
      ['jobs', 'stuck', 'q', '--priority', '0', ...g],
      ['jobs', 'stuck', 'q', '--priority', '128', ...g],
      ['jobs', 'stuck', 'q', '--older-than-seconds', '-5', ...g],
      ['jobs', 'stuck', 'q', '--scan-limit', '100001', ...g],
      ['jobs', 'stuck', 'q', '--gateway', 'no-port'],
      ['jobs', 'release', 'q', '--limit', '0', ...g],
      ['jobs', 'retry-failed', 'q', '--limit', '4000', ...g],
      ['jobs', 'delete', 'q', ...g],
      ['jobs', 'delete', 'q', '--state', 'running', ...g],
      ['jobs', 'delete', 'q', '--state', 'pending', '--body-regex', '', ...g],
    ];
    for (const args of cases) {
      const run = await runOps(args);
      expect({ args, code: run.code }).toEqual({ args, code: 64 });
      expect(run.stderr).not.toBe('');
    }
    const stuck = await runOps(['jobs', 'stuck', 'bad-name', ...g, '--json']);
    expect(json<{ error: { code: string; message: string } }>(stuck).error).toMatchObject({ code: 'USAGE', message: expect.stringContaining('not a PinLater queue name') });
  });

  it('a queue the gateway does not know, or no gateway, is an error (1) in one line', async () => {
    const unknown = await runOps(['jobs', 'stuck', 'no_such_queue_here', '--gateway', redis().address]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`pinlater-ops: queue 'no_such_queue_here' does not exist on the gateway at ${redis().address} (getQueueNames); check the name and --gateway\n`);
    const port = await freePort();
    const down = await runOps(['jobs', 'retry-failed', 'q', '--gateway', `127.0.0.1:${port}`, '--yes']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(new RegExp(`^pinlater-ops: cannot reach the PinLater gateway at 127.0.0.1:${port} \\(ECONNREFUSED\\)`));
  });

  it('release, retry-failed and delete without --yes and without a terminal change nothing (3)', async () => {
    const s = redis();
    const queue = await queueWithJobs(s, 2);
    const claimed = await claim(s, queue, 2);
    const release = await runOps(['jobs', 'release', queue, '--gateway', s.address, '--older-than-seconds', '0']);
    expect(release.code).toBe(3);
    expect(release.stderr).toContain('not confirmed');
    for (const d of claimed) expect(await stateOf(s, d)).toBe(JobState.IN_PROGRESS);
    const del = await runOps(['jobs', 'delete', queue, '--gateway', s.address, '--state', 'in_progress', '--json']);
    expect(del.code).toBe(3);
    expect(json<{ error: { code: string; plan: { matchingBefore: number } } }>(del).error).toMatchObject({ code: 'NOT_CONFIRMED', plan: { matchingBefore: 2 } });
    expect(await count(s, queue, JobState.IN_PROGRESS)).toBe(2);
  });

  it('every jobs command answers --help with examples and its exit codes', async () => {
    for (const sub of [[], ['stuck'], ['release'], ['retry-failed'], ['delete']]) {
      const run = await runOps(['jobs', ...sub, '--help']);
      expect({ sub, code: run.code }).toEqual({ sub, code: 0 });
      expect(run.stdout).toContain(`Usage: pinlater-ops jobs${sub.length === 0 ? '' : ` ${sub[0]}`}`);
      expect(run.stdout).toContain('Examples:');
      expect(run.stdout).toContain('Exit codes:');
    }
  });
});

/** GET on the broker's admin port (a fresh connection, closed after the answer). */
function getJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown });
        } catch {
          reject(new Error(`GET ${path}: ${res.statusCode ?? 0} ${text}`));
        }
      });
    });
    req.once('error', reject);
    req.end();
  });
}

describe('pinlater-ops pacer broker-status', () => {
  it("prints the broker's status RPC: id, owned partitions with epoch and buffered jobs, counters; the admin port serves the same at /status", async () => {
    const s = systems.get('pacer') as SystemUnderTest;
    const queue = await queueWithJobs(s, 5);
    await eventually(() => expect(pacer.broker.partitions().find((p) => p.queue === queue)?.buffered).toBe(5));
    const broker = `127.0.0.1:${pacer.server.port}`;
    const run = await runOps(['pacer', 'broker-status', '--broker', broker, '--json']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const doc = json<{ broker: string; brokerId: string; partitions: Array<{ queue: string; partition: number; epoch: number; buffered: number }>; claimedJobs: number; exitCode: number }>(run);
    expect(doc).toMatchObject({ broker, brokerId: 'ops-jobs-broker', exitCode: 0 });
    expect(doc.partitions.find((p) => p.queue === queue)).toEqual({ queue, partition: 0, epoch: expect.any(Number) as number, buffered: 5 });

    const text = await runOps(['pacer', 'broker-status', '--broker', broker]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Broker ops-jobs-broker at ${broker}: owns ${doc.partitions.length} partition(s)`);
    expect(text.stdout).toMatch(new RegExp(`${queue} +0 +\\d+ +5\\n`));

    const rpc = new ThriftBrokerClient(5000);
    try {
      const [viaRpc, viaHttp] = [await rpc.status({ host: '127.0.0.1', port: pacer.server.port }), await getJson(pacer.admin.port, '/status')];
      expect(viaHttp).toEqual({ status: 200, body: viaRpc });
    } finally {
      await rpc.close();
    }
  });

  it('an unreachable broker is exit 1 in one line; a missing --broker too', async () => {
    const port = await freePort();
    const down = await runOps(['pacer', 'broker-status', '--broker', `127.0.0.1:${port}`, '--timeout-ms', '2000']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(new RegExp(`^pinlater-ops pacer broker-status: Pacer broker 127.0.0.1:${port} unreachable: .+\\n$`));
    const missing = await runOps(['pacer', 'broker-status']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--broker <host:port> is required');
  });
});

describe('pinlater-ops queue status', () => {
  let dir: string;
  let table: RoutingTableFixture;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ops-cli-jobs-'));
    table = await routingTable();
  });
  afterAll(async () => {
    await table?.release();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The routing config a routing gateway in front of this Redis cluster and Pacer would run with. */
  function routingConfig(): string {
    writeFileSync(join(dir, 'redis.json'), JSON.stringify(redisBackendConfig));
    writeShippedProperties(join(dir, 'redis.properties'), 'redis.local.properties', { GATEWAY_MONITOR_ENABLED: 'false' });
    writeFileSync(join(dir, 'pacer.json'), JSON.stringify({ mode: 'static', mysql: { ...pacer.db.mysql, connectionLimit: 1 }, defaultPartitions: 1, brokers: { fallback: `127.0.0.1:${pacer.server.port}` } }));
    const file = join(dir, 'routing.json');
    writeFileSync(file, JSON.stringify({
      legacyClusters: [{ name: 'redis-a', backend: 'legacy-redis', backendConfig: 'redis.json', properties: 'redis.properties' }],
      pacer: { backendConfig: 'pacer.json' },
      routing: { zookeeper: table.connectString, defaultDestination: 'pacer' },
    }));
    return file;
  }

  interface CountsRow { priority: number | null; counts: Record<string, number> | null; error: string | null }

  it('counts the jobs per state and priority through the gateway; without a routing config, no route', async () => {
    const s = systems.get('legacy-redis') as SystemUnderTest;
    const queue = await queueWithJobs(s, 3);
    await s.client.enqueue(queue, [{ body: 'later', runAfterMs: Date.now() + 3_600_000 }, { body: 'p2', priority: 2, attemptsAllowed: 1 }]);
    const claimed = await claim(s, queue, 4);
    const p2 = claimed.find((d) => d.includes(':p2:')) as string;
    await s.client.ack({ queue, succeeded: [{ descriptor: claimed.find((d) => d !== p2) as string }], failed: [{ descriptor: p2 }] });
    const run = await runSubcommand('queue', queueStatusCommand, ['queue', 'status', queue, '--gateway', s.address, '--json']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const doc = json<{ gateway: string; queue: string; counts: CountsRow[]; route: unknown }>(run);
    expect(doc).toMatchObject({ gateway: s.address, queue, route: null });
    expect(doc.counts).toEqual([
      { priority: null, counts: { pending: 0, pendingFuture: 1, inProgress: 2, succeeded: 1, failed: 1 }, error: null },
      { priority: 1, counts: { pending: 0, pendingFuture: 1, inProgress: 2, succeeded: 1, failed: 0 }, error: null },
      { priority: 2, counts: { pending: 0, pendingFuture: 0, inProgress: 0, succeeded: 0, failed: 1 }, error: null },
      { priority: 3, counts: { pending: 0, pendingFuture: 0, inProgress: 0, succeeded: 0, failed: 0 }, error: null },
    ]);
    const text = await runSubcommand('queue', queueStatusCommand, ['queue', 'status', queue, '--gateway', s.address, '--priority-levels', '2']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Queue ${queue} (gateway ${s.address}):`);
    expect(text.stdout).toMatch(/PRIORITY +PENDING +PENDING \(FUTURE\) +IN PROGRESS +SUCCEEDED +FAILED/);
    expect(text.stdout).toMatch(/ all +0 +1 +2 +1 +1\n/);
    expect(text.stdout).not.toContain('Route:');
  });

  it('a priority the queue does not have shows its error (Pacer) instead of failing the status', async () => {
    const s = systems.get('pacer') as SystemUnderTest;
    const queue = await queueWithJobs(s, 2);
    const run = await runSubcommand('queue', queueStatusCommand, ['queue', 'status', queue, '--gateway', s.address, '--priority-levels', '4', '--json']);
    expect(run.code).toBe(0);
    const rows = json<{ counts: CountsRow[] }>(run).counts;
    expect(rows[0]).toMatchObject({ priority: null, counts: { pending: 2 } });
    expect(rows[4]).toMatchObject({ priority: 4, counts: null, error: expect.stringContaining('getJobCount failed') });
  });

  it("with the routing config (--config or $PINLATER_ROUTING_CONFIG), the queue's route from its routing record", async () => {
    const s = systems.get('legacy-redis') as SystemUnderTest;
    const queue = await queueWithJobs(s, 0);
    const config = routingConfig();
    const none = await runSubcommand('queue', queueStatusCommand, ['--config', config, 'queue', 'status', queue, '--gateway', s.address]);
    expect({ code: none.code, stderr: none.stderr }).toEqual({ code: 0, stderr: '' });
    expect(none.stdout).toContain('Route: no routing record');
    await table.store.write(queue, { mode: 'legacy', legacyCluster: 'redis-a', changedBy: 'alice', reason: 'test' }, 0);
    const run = await runSubcommand('queue', queueStatusCommand, ['queue', 'status', queue, '--gateway', s.address, '--json'], { PINLATER_ROUTING_CONFIG: config });
    expect(run.code).toBe(0);
    expect(json<{ route: unknown }>(run).route).toMatchObject({ record: true, mode: 'legacy', system: 'redis-a', legacyCluster: 'redis-a', version: 1, changedBy: 'alice', unreadable: null });
    const text = await runSubcommand('queue', queueStatusCommand, ['--config', config, 'queue', 'status', queue, '--gateway', s.address]);
    expect(text.stdout).toContain('Route: mode legacy, system redis-a, legacy cluster redis-a (record version 1');
  });

  it('an unknown queue or a bad option is refused', async () => {
    const s = systems.get('legacy-redis') as SystemUnderTest;
    expect((await runSubcommand('queue', queueStatusCommand, ['queue', 'status', 'no_such_queue_here', '--gateway', s.address])).code).toBe(1);
    expect((await runSubcommand('queue', queueStatusCommand, ['queue', 'status', 'bad-name', '--gateway', s.address])).code).toBe(64);
    expect((await runSubcommand('queue', queueStatusCommand, ['queue', 'status', 'q', '--priority-levels', '0'])).code).toBe(64);
    const help = await runSubcommand('queue', queueStatusCommand, ['queue', 'status', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('Exit codes:');
  });
});
