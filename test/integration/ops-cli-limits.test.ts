/**
 * Queue limits for a gateway fleet (docs/rate-limits.md), end to end: two routing gateway
 * PROCESSES (`gateway/src/main.ts --routing-config`) in front of one legacy PinLater Redis cluster
 * (a fresh namespace), one routing table in a fresh ZooKeeper chroot, and `pinlater-ops queue
 * pause|unpause`, `limits set|clear|show` with the operator's environment, run in this process
 * (ops-cli-in-process.ts: the `runPinlaterOps` the bin runs, stdin not a terminal). Gateway 1
 * also has a queue_config.json (PinLater's file, pausing `lim_file`); gateway 2 has none.
 *
 * Every effect is checked where it happens: a real Thrift client's dequeues and enqueues through
 * EACH gateway, each gateway's admin `/limits`, the presences in ZooKeeper. The CLI waits until
 * every live gateway applied a write, so its exit is checked against the gateways at once, with no
 * eventually(): a write that returned 0 is in force on both.
 */
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../core/src/errors/error-code';
import { serializePresence } from '../../migration/src/routing/gateway-presence';
import { limitRecordAcl } from '../../migration/src/routing/routing-acl';
import { RoutingPaths } from '../../migration/src/routing/routing-paths';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { ClusterProcess } from '../support/pacer-processes';
import { writeShippedProperties } from '../support/shipped-properties';
import { testOutcome } from '../support/test-outcome';
import { expectHelpPages, runOps } from './ops-cli-in-process';
import { jsonOf, type CliRun } from './ops-cli-runner';
import { routingTable, TEST_OPERATOR, type RoutingTableFixture } from './routing-fixtures';

jest.setTimeout(90_000);

const ROOT = join(__dirname, '..', '..');
const CLUSTER = 'redis-a';
const QUEUES = ['lim_pause', 'lim_rate', 'lim_file', 'lim_bad', 'lim_misc'] as const;

interface Gateway {
  readonly index: number;
  readonly id: string;
  readonly thriftPort: number;
  readonly adminPort: number;
  proc?: ClusterProcess;
  client?: ConformanceClient;
}

interface LimitsJson {
  gatewayId: string | null;
  zookeeper: { enabled: boolean; loaded: boolean; limitsVersion: number | null; gatewayCount: number | null; invalidRecords: number };
  queues: Array<{ queue: string; source: string; fleetMaxJobsPerSecond: number | null; perGatewayMaxJobsPerSecond: number; dividedBy: number; paused: boolean; recordVersion?: number; overridesQueueConfig?: { fleetMaxJobsPerSecond: number } }>;
}

interface WriteJson {
  action: string;
  queue: string;
  written: boolean;
  limitsVersion: number;
  record: { paused: boolean; maxJobsPerSecond: number | null; version: number; changedBy: string; reason: string } | null;
  gateways: Array<{ gatewayId: string; limitsVersion: number | null; state: string }>;
}

const shards = [`${uniqueShardBase()}a`];
let dir: string;
let table: RoutingTableFixture;
const gateways: Gateway[] = [];
let readEnv: Record<string, string>;
let writeEnv: Record<string, string>;

function writeConfigFiles(): void {
  const quiet = { GATEWAY_MONITOR_ENABLED: 'false', BACKEND_CONNECTIONS_PER_SHARD: '2' };
  writeFileSync(join(dir, 'redis.json'), JSON.stringify(redisBackendConfig(shards, [])));
  writeShippedProperties(join(dir, 'redis.properties'), 'redis.local.properties', quiet);
  writeFileSync(join(dir, 'queue_config.json'), JSON.stringify({ queues: [{ name: 'lim_file', queueConfig: { maxJobsPerSecond: 0 } }] }));
  for (const g of gateways) {
    const own = { GATEWAY_HOST: '127.0.0.1', THRIFT_PORT: String(g.thriftPort), OSTRICH_PORT: String(g.adminPort), SERVER_SET_ENABLED: 'false', GATEWAY_SHUTDOWN_GRACE_SECONDS: '2', ...quiet };
    // Gateway 1 reads PinLater's queue_config.json (QUEUE_CONFIG_FILE_PATH, relative to its properties); gateway 2 has none.
    writeShippedProperties(join(dir, `gateway-${g.index}.properties`), 'pacer.local.properties', g.index === 1 ? { ...own, QUEUE_CONFIG_FILE_PATH: 'queue_config.json' } : own, g.index === 1 ? [] : ['QUEUE_CONFIG_FILE_PATH']);
    writeFileSync(join(dir, `routing-${g.index}.json`), JSON.stringify(routingConfig(g.id)));
  }
  writeFileSync(join(dir, 'routing.json'), JSON.stringify(routingConfig(undefined)));
  writeFileSync(join(dir, 'operator.credential'), `${TEST_OPERATOR.authText()}\n`);
  writeFileSync(join(dir, 'intruder.credential'), 'intruder:not-the-operator\n');
}

function routingConfig(gatewayId: string | undefined): unknown {
  return {
    legacyClusters: [{ name: CLUSTER, backend: 'legacy-redis', backendConfig: 'redis.json', properties: 'redis.properties' }],
    routing: { zookeeper: table.connectString, defaultDestination: CLUSTER, ...(gatewayId === undefined ? {} : { gatewayId }) },
  };
}

async function startGateway(g: Gateway): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts', '--properties', join(dir, `gateway-${g.index}.properties`), '--routing-config', join(dir, `routing-${g.index}.json`), '--log-level', 'info'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  g.proc = new ClusterProcess(g.id, child);
  await g.proc.waitFor('gateway listening', 60_000);
}

/** GET the admin port's `/limits`. */
function adminLimits(g: Gateway): Promise<LimitsJson> {
  return new Promise((resolve, reject) => {
    get(`http://127.0.0.1:${g.adminPort}/limits`, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as LimitsJson) : reject(new Error(`HTTP ${res.statusCode}: ${body}`))));
    }).on('error', reject);
  });
}

const entryOf = (limits: LimitsJson, queue: string): LimitsJson['queues'][number] | undefined => limits.queues.find((q) => q.queue === queue);
const clientOf = (g: Gateway): ConformanceClient => {
  if (g.client === undefined) throw new Error(`${g.id}: no client`);
  return g.client;
};

/** The error code a dequeue through `g` fails with, or 'ok'. */
async function dequeueOutcome(g: Gateway, queue: string, limit = 1): Promise<number | 'ok'> {
  try {
    await clientOf(g).dequeue({ queue, limit });
    return 'ok';
  } catch (e) {
    return (e as { errorCode?: number }).errorCode ?? -1;
  }
}

/** The exit code (stderr shown when it differs: a write may say on stderr that it waits for the gateways). */
function expectExit(run: CliRun, code: number): void {
  if (run.code !== code) expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({ code });
}

const write = async (args: string[], env = writeEnv): Promise<CliRun> => runOps([...args, '--yes', '--json', '--by', 'tester', '--reason', 'test'], env);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ops-cli-limits-'));
  table = await routingTable();
  for (const index of [1, 2]) gateways.push({ index, id: `lim-gw-${index}`, thriftPort: await freePort(), adminPort: await freePort() });
  writeConfigFiles();
  readEnv = { PINLATER_ROUTING_CONFIG: join(dir, 'routing.json') };
  writeEnv = { ...readEnv, PINLATER_ROUTING_CREDENTIAL_FILE: join(dir, 'operator.credential') };
  await Promise.all(gateways.map(startGateway));
  await eventually(async () => {
    const live = await table.store.gateways();
    expect(live.map((p) => [p.gatewayId, p.loaded, p.limitsVersion]).sort()).toEqual([['lim-gw-1', true, 0], ['lim-gw-2', true, 0]]);
  }, { timeoutMs: 30_000 });
  for (const g of gateways) g.client = await ConformanceClient.connect({ host: '127.0.0.1', port: g.thriftPort }, `limits-test-${g.index}`);
  for (const q of QUEUES) await clientOf(gateways[0] as Gateway).createQueue(q);
}, 120_000);

afterEach(() => {
  const outcome = testOutcome();
  if (outcome?.scopeFailed() !== true) return;
  for (const g of gateways) outcome.report(`${g.id} output, last lines:\n${g.proc?.output.split('\n').slice(-30).join('\n') ?? ''}`);
});

afterAll(async () => {
  for (const g of gateways) await g.client?.close();
  for (const g of gateways) {
    if (g.proc?.running === true) {
      g.proc.signal('SIGKILL');
      await g.proc.exited();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  await releaseNamespace(redisKeysNamespace(shards.flatMap(redisShardKeyPatterns)));
  await table?.release();
}, 60_000);
afterAll(assertNoLeaks);

describe('queue limits across a gateway fleet (pinlater-ops queue / limits)', () => {
  it('queue pause: applied on both gateways when the command returns (dequeue → DEQUEUE_RATE_LIMITED), enqueues go on; unpause restores', async () => {
    const [gw1, gw2] = gateways as [Gateway, Gateway];
    await clientOf(gw1).enqueue('lim_pause', [{ body: 'a' }, { body: 'b' }]);
    const paused = await write(['queue', 'pause', 'lim_pause']);
    expectExit(paused, 0);
    const doc = jsonOf<WriteJson>(paused);
    expect(doc).toMatchObject({ action: 'pause queue', queue: 'lim_pause', written: true, record: { paused: true, maxJobsPerSecond: null, version: 1, changedBy: 'tester', reason: 'test' } });
    expect(doc.gateways.map((g) => [g.gatewayId, g.state, g.limitsVersion])).toEqual([['lim-gw-1', 'applied', doc.limitsVersion], ['lim-gw-2', 'applied', doc.limitsVersion]]);
    expect(await Promise.all(gateways.map((g) => dequeueOutcome(g, 'lim_pause')))).toEqual([ErrorCode.DEQUEUE_RATE_LIMITED, ErrorCode.DEQUEUE_RATE_LIMITED]);
    await clientOf(gw2).enqueue('lim_pause', [{ body: 'c' }]); // enqueues go on
    expect((await table.store.gateways()).map((p) => p.limitsVersion)).toEqual([doc.limitsVersion, doc.limitsVersion]);

    const again = await write(['queue', 'pause', 'lim_pause']);
    expectExit(again, 0);
    expect(jsonOf<WriteJson>(again).written).toBe(false); // nothing to change

    const unpaused = await write(['queue', 'unpause', 'lim_pause']);
    expectExit(unpaused, 0);
    expect(jsonOf<WriteJson>(unpaused)).toMatchObject({ written: true, record: null }); // no rate: the limit goes
    const jobs = await Promise.all(gateways.map((g) => clientOf(g).dequeue({ queue: 'lim_pause', limit: 10 })));
    expect(jobs.reduce((n, r) => n + Object.keys(r.jobs ?? {}).length, 0)).toBe(3);
  });

  it('limits set: the fleet rate is divided by the live gateways; /limits shows source, rates and version on each; a paused rated queue keeps its rate', async () => {
    const set = await write(['limits', 'set', 'lim_rate', '--max-jobs-per-second', '2']);
    expectExit(set, 0);
    const { limitsVersion } = jsonOf<WriteJson>(set);
    for (const g of gateways) {
      const limits = await adminLimits(g);
      expect(limits).toMatchObject({ gatewayId: g.id, zookeeper: { enabled: true, loaded: true, limitsVersion, gatewayCount: 2, invalidRecords: 0 } });
      expect(entryOf(limits, 'lim_rate')).toEqual(expect.objectContaining({ source: 'zookeeper', fleetMaxJobsPerSecond: 2, perGatewayMaxJobsPerSecond: 1, dividedBy: 2, paused: false, recordVersion: 1 }));
      // 1 job/s on this gateway: a request of any size is granted when nothing is owed (PinLater's
      // tryAcquire), and 100 permits at 1/s leave nothing for the next ~100 s.
      expect(await dequeueOutcome(g, 'lim_rate', 100)).toBe('ok');
      expect(await dequeueOutcome(g, 'lim_rate', 1)).toBe(ErrorCode.DEQUEUE_RATE_LIMITED);
    }
    const paused = await write(['queue', 'pause', 'lim_rate']);
    expectExit(paused, 0);
    expect(jsonOf<WriteJson>(paused).record).toMatchObject({ paused: true, maxJobsPerSecond: 2, version: 2 });
    const unpaused = await write(['queue', 'unpause', 'lim_rate']);
    expect(jsonOf<WriteJson>(unpaused).record).toMatchObject({ paused: false, maxJobsPerSecond: 2, version: 3 });

    const shown = await runOps(['limits', 'show', 'lim_rate', '--json', '--gateways-admin', gateways.map((g) => `127.0.0.1:${g.adminPort}`).join(',')], readEnv);
    expectExit(shown, 0);
    const report = jsonOf<{ limitsVersion: number; limits: Array<{ queue: string; perGatewayMaxJobsPerSecond: number }>; gateways: Array<{ state: string }>; admin: Array<{ address: string; report: LimitsJson }>; problems: unknown[] }>(shown);
    expect(report.limits).toEqual([expect.objectContaining({ queue: 'lim_rate', maxJobsPerSecond: 2, perGatewayMaxJobsPerSecond: 1, version: 3 })]);
    expect(report.gateways.map((g) => g.state)).toEqual(['applied', 'applied']);
    expect(report.admin.map((a) => [a.report.gatewayId, a.report.queues.map((q) => [q.queue, q.source, q.perGatewayMaxJobsPerSecond])])).toEqual([
      ['lim-gw-1', [['lim_rate', 'zookeeper', 1]]], ['lim-gw-2', [['lim_rate', 'zookeeper', 1]]],
    ]);
    expect(report.problems).toEqual([]);
    const text = await runOps(['limits', 'show'], readEnv);
    expectExit(text, 0);
    expect(text.stdout).toMatch(/lim_rate\s+2\/s fleet-wide\s+1\/s\s+3\s+tester/);
    expect(text.stdout).toMatch(/lim-gw-1\s+\S+\s+\d+\s+\d+\s+applied/);
  });

  it("queue_config.json works as in PinLater alone; a ZooKeeper limit wins over it while it exists; clear brings it back", async () => {
    const [gw1, gw2] = gateways as [Gateway, Gateway];
    // Alone: gateway 1's file pauses lim_file; gateway 2 has no file.
    expect(await dequeueOutcome(gw1, 'lim_file')).toBe(ErrorCode.DEQUEUE_RATE_LIMITED);
    expect(await dequeueOutcome(gw2, 'lim_file')).toBe('ok');
    expect(entryOf(await adminLimits(gw1), 'lim_file')).toEqual({ queue: 'lim_file', source: 'queue_config', fleetMaxJobsPerSecond: 0, perGatewayMaxJobsPerSecond: 0, dividedBy: 1, paused: true });
    expect(entryOf(await adminLimits(gw2), 'lim_file')).toBeUndefined();

    const set = await write(['limits', 'set', 'lim_file', '--max-jobs-per-second', '1000']);
    expectExit(set, 0);
    expect(await dequeueOutcome(gw1, 'lim_file')).toBe('ok'); // the ZooKeeper limit wins
    expect(entryOf(await adminLimits(gw1), 'lim_file')).toMatchObject({ source: 'zookeeper', perGatewayMaxJobsPerSecond: 500, overridesQueueConfig: { fleetMaxJobsPerSecond: 0 } });
    expect(gw1.proc?.logLines('queue limit from ZooKeeper overrides queue_config.json for this queue (the ZooKeeper limit wins while it exists)')).toHaveLength(1);

    const cleared = await write(['limits', 'clear', 'lim_file']);
    expectExit(cleared, 0);
    expect(jsonOf<WriteJson>(cleared).record).toBeNull();
    expect(await dequeueOutcome(gw1, 'lim_file')).toBe(ErrorCode.DEQUEUE_RATE_LIMITED); // queue_config.json's pause again
    expect(entryOf(await adminLimits(gw1), 'lim_file')).toMatchObject({ source: 'queue_config', paused: true });
  });

  it('a limit that does not parse is not applied (each gateway keeps the previous one), shown as a problem (exit 2); a write replaces it', async () => {
    expectExit(await write(['queue', 'pause', 'lim_bad']), 0);
    const paths = new RoutingPaths();
    const node = await table.operatorZk.get(paths.limits());
    const current = await table.operatorZk.exists(paths.limit('lim_bad'));
    const bad = Buffer.from(JSON.stringify({ format: 1, queue: 'lim_bad', maxJobsPerSecond: null, paused: 'no', version: 2, changedAt: 'x', changedBy: 'hand', reason: '' }));
    await table.operatorZk.multi([
      { op: 'delete', path: paths.limit('lim_bad'), version: current?.version ?? -1 },
      { op: 'create', path: paths.limit('lim_bad'), data: bad, acl: limitRecordAcl() },
      { op: 'set', path: paths.limits(), data: Buffer.from('{}'), version: node.stat.version },
    ]);
    const badVersion = node.stat.version + 1;
    await eventually(async () => expect((await table.store.gateways()).map((p) => p.limitsVersion)).toEqual([badVersion, badVersion]), { timeoutMs: 10_000 });
    for (const g of gateways) {
      expect(await dequeueOutcome(g, 'lim_bad')).toBe(ErrorCode.DEQUEUE_RATE_LIMITED); // still paused
      expect(await adminLimits(g)).toMatchObject({ zookeeper: { limitsVersion: badVersion, invalidRecords: 1 } });
      expect(g.proc?.logLines('queue limit ignored')).toHaveLength(1);
    }
    const shown = await runOps(['limits', 'show', '--json'], readEnv);
    expectExit(shown, 2);
    expect(jsonOf<{ problems: Array<{ code: string; message: string }> }>(shown).problems).toEqual([{ code: 'INVALID_LIMIT', message: expect.stringContaining('lim_bad') as unknown }]);

    const unpaused = await write(['queue', 'unpause', 'lim_bad']);
    expectExit(unpaused, 0);
    expect(jsonOf<{ unreadableBefore: boolean; record: unknown }>(unpaused)).toMatchObject({ unreadableBefore: true, record: null });
    expect(await Promise.all(gateways.map((g) => dequeueOutcome(g, 'lim_bad')))).toEqual(['ok', 'ok']);
  });

  it('refuses a credential that is not the operator (PERMISSION_DENIED), an unconfirmed write (NOT_CONFIRMED) and a bad command line (USAGE); nothing is written', async () => {
    const before = (await table.operatorZk.get(new RoutingPaths().limits())).stat.version;
    const intruder = await write(['queue', 'pause', 'lim_misc'], { ...readEnv, PINLATER_ROUTING_CREDENTIAL_FILE: join(dir, 'intruder.credential') });
    expectExit(intruder, 7);
    expect(jsonOf<{ error: { code: string } }>(intruder).error.code).toBe('PERMISSION_DENIED');
    const unconfirmed = await runOps(['limits', 'set', 'lim_misc', '--max-jobs-per-second', '5'], writeEnv);
    expectExit(unconfirmed, 3);
    expect(unconfirmed.stdout).toMatch(/Set the limit of queue lim_misc:\n\s+now:\s+no ZooKeeper limit\n\s+after:\s+5\/s fleet-wide, 2.5\/s on each of 2 live gateway\(s\)/);
    const usage = await Promise.all([
      runOps(['limits', 'set', 'lim_misc', '--max-jobs-per-second', '-1', '--yes'], writeEnv),
      runOps(['limits', 'set', 'lim_misc', '--max-jobs-per-second', 'fast', '--yes'], writeEnv),
      runOps(['queue', 'pause', 'not-a-queue', '--yes'], writeEnv),
      runOps(['limits', 'show', '--gateways-admin', 'nohostport'], readEnv),
    ]);
    expect(usage.map((r) => r.code)).toEqual([64, 64, 64, 64]);
    expect((await table.operatorZk.get(new RoutingPaths().limits())).stat.version).toBe(before);
    expect(await Promise.all(gateways.map((g) => dequeueOutcome(g, 'lim_misc')))).toEqual(['ok', 'ok']);
  });

  it('a live gateway that does not apply the limits: the write ends INCOMPLETE (exit 10, the limit written), limits show lists it (exit 2)', async () => {
    const path = new RoutingPaths().gateway('lim-old-gw');
    const session = await table.connect(); // closed with the fixture; the node is ephemeral
    const presence = serializePresence({ format: 1, gatewayId: 'lim-old-gw', host: 'old-host', pid: 1, startedAt: '2024-01-01T00:00:00.000Z', appliedVersion: 0, loaded: true, updatedAt: new Date().toISOString() });
    await session.create(path, presence, 'ephemeral');
    try {
      const incomplete = await runOps(['queue', 'pause', 'lim_misc', '--yes', '--json', '--gateway-wait', '1'], writeEnv);
      expectExit(incomplete, 10);
      const failure = jsonOf<{ error: { code: string; message: string; written: boolean; gateways: Array<{ gatewayId: string; state: string }> } }>(incomplete);
      expect(failure.error).toMatchObject({ code: 'INCOMPLETE', written: true, message: expect.stringContaining('lim-old-gw (applies no ZooKeeper limits)') as unknown });
      expect(failure.error.gateways.map((g) => [g.gatewayId, g.state])).toEqual([['lim-gw-1', 'applied'], ['lim-gw-2', 'applied'], ['lim-old-gw', 'not-applying']]);
      expect(await Promise.all(gateways.map((g) => dequeueOutcome(g, 'lim_misc')))).toEqual([ErrorCode.DEQUEUE_RATE_LIMITED, ErrorCode.DEQUEUE_RATE_LIMITED]);
      const shown = await runOps(['limits', 'show', 'lim_misc'], readEnv);
      expectExit(shown, 2);
      expect(shown.stdout).toMatch(/lim-old-gw\s+old-host\s+1\s+-\s+not-applying/);
      expect(shown.stdout).toContain('GATEWAY_NOT_APPLYING');
    } finally {
      await session.delete(path);
    }
    expectExit(await write(['limits', 'clear', 'lim_misc']), 0);
  });

  it('answers --help of every limits command with exit 0, examples and its exit codes', async () => {
    const commands = [['queue'], ['queue', 'pause'], ['queue', 'unpause'], ['limits'], ['limits', 'set'], ['limits', 'clear'], ['limits', 'show']];
    await expectHelpPages(commands, /Examples?:/);
  });
});
