/**
 * Issue 10, a live flip: two routing gateway PROCESSES (`gateway/src/main.ts --routing-config`, as
 * routing-gateway-process.test.ts starts one) in front of the same legacy PinLater Redis cluster
 * and the same Pacer (one broker process, `--assign all`; both gateways in static topology), one
 * routing table in a fresh ZooKeeper chroot. A producer and a consumer run through EACH gateway
 * (routing-flip-traffic.ts) on one queue while the operator routes it legacy → Pacer → legacy:
 *
 * - each flip happens with the queue empty on the side it leaves in the operator's sense (no
 *   pending, no failed job; producers paused, consumers drained it), except for a few jobs each
 *   consumer dequeued and held un-acked on purpose: descriptors issued by the side being left;
 * - both gateways apply the new table version within 1 s of the write: measured on ZooKeeper's own
 *   clock, from the commit (the table node's mtime) to each gateway's presence update naming the
 *   version (its node's mtime), so the test process's own scheduling does not enter the figure;
 *   /stats.txt then shows the version too;
 * - after the flip the held jobs are checkpointed and acked, and jobs acked before it looked up,
 *   through the OTHER gateway: they reach the system that issued them (read there directly);
 * - new jobs land on the new side: read in the systems themselves (Redis through its own backend,
 *   Pacer's `jobs` table), not through a gateway;
 * - no client call fails, and every job enqueued is acked exactly once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { JobState } from '../../core/src/types/job-state';
import { routingGaugeNames } from '../../gateway/src/stats/stat-names';
import { createLegacyRedisBackend } from '../../legacy-adapter';
import type { RoutingChange, RoutingWriteResult } from '../../migration/index';
import { parsePresence } from '../../migration/src/routing/gateway-presence';
import { createPacerBackend, parsePacerDescriptor, StaticPartitionDirectory, type PacerBackend } from '../../pacer';
import { TABLES } from '../../pacer/src/datastore/tables';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { legacyOptions, legacySettings } from '../conformance/backends/legacy-settings';
import { ConformanceClient, JobState as WireState } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { writeShippedProperties } from '../support/shipped-properties';
import { withMysql } from '../support/mysql';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { ClusterProcess } from '../support/pacer-processes';
import { testEnv } from '../support/test-env';
import { testOutcome } from '../support/test-outcome';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';
import { FlipTraffic, type HeldJob } from './routing-flip-traffic';
import { routingTable, type RoutingTableFixture } from './routing-fixtures';

const ROOT = join(__dirname, '..', '..');
const QUEUE = 'live_flip';
const CLUSTER = 'redis-a';
/** Issue 10: every gateway applies a routing change within 1 s. */
const APPLY_BUDGET_MS = 1000;
const HOLD_PER_GATEWAY = 3;
/** Jobs each gateway's consumer acks in a phase before the phase may end. */
const ACKS_PER_PHASE = 100;
/** Acked jobs of the phase before a flip looked up afterwards, per gateway. */
const LOOKUP_SAMPLE = 15;
const NS = { label: 'routing-live-flip', monitor: {} };

interface GatewayProcess {
  readonly index: number;
  readonly id: string;
  readonly thriftPort: number;
  readonly adminPort: number;
  proc?: ClusterProcess;
}

type System = 'legacy' | 'pacer';

const shardBase = uniqueShardBase();
const shards = [`${shardBase}a`, `${shardBase}b`];
let dir: string;
let pacerDb: PacerDb;
let table: RoutingTableFixture;
let directRedis: PinLaterBackend;
let directory: StaticPartitionDirectory;
let directPacer: PacerBackend;
let broker: ClusterProcess | undefined;
let gateways: GatewayProcess[] = [];
let checkers: ConformanceClient[] = [];
let traffic: FlipTraffic | undefined;

// ---------------------------------------------------------------- processes

/** PinLater's shipped properties `file` with `overrides`, written as `name` in the temp dir. */
function writeProperties(name: string, file: string, overrides: Record<string, string>, remove: string[] = []): void {
  writeShippedProperties(join(dir, name), file, overrides, remove);
}

function writeConfigFiles(brokerPort: number): void {
  const { host, port, user, password } = testEnv().mysql;
  const quiet = { GATEWAY_MONITOR_ENABLED: 'false', BACKEND_CONNECTIONS_PER_SHARD: '4' };
  writeFileSync(join(dir, 'redis.json'), JSON.stringify(redisBackendConfig(shards, [])));
  writeProperties('redis.properties', 'redis.local.properties', quiet);
  const mysql = { host, port, user, password, database: pacerDb.db.name, connectionLimit: 4 };
  writeFileSync(join(dir, 'pacer.json'), JSON.stringify({ mode: 'static', mysql, defaultPartitions: 2, brokers: { fallback: `127.0.0.1:${brokerPort}` } }));
  for (const g of gateways) {
    writeProperties(`gateway-${g.index}.properties`, 'pacer.local.properties', {
      GATEWAY_HOST: '127.0.0.1', THRIFT_PORT: String(g.thriftPort), OSTRICH_PORT: String(g.adminPort), SERVER_SET_ENABLED: 'false', GATEWAY_SHUTDOWN_GRACE_SECONDS: '2', ...quiet,
    }, ['QUEUE_CONFIG_FILE_PATH']);
    writeFileSync(join(dir, `routing-${g.index}.json`), JSON.stringify({
      legacyClusters: [{ name: CLUSTER, backend: 'legacy-redis', backendConfig: 'redis.json', properties: 'redis.properties' }],
      pacer: { backendConfig: 'pacer.json' },
      routing: { zookeeper: table.connectString, defaultDestination: CLUSTER, gatewayId: g.id },
    }));
  }
}

function startProcess(name: string, entry: string, args: string[]): ClusterProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new ClusterProcess(name, child);
}

async function startBroker(port: number): Promise<ClusterProcess> {
  broker = startProcess('pacer-broker', 'pacer/src/broker/main.ts', [
    '--broker-id', 'flip-broker', '--port', String(port), '--database', pacerDb.db.name, '--assign', 'all', '--log-level', 'warn',
  ]);
  await broker.waitFor('listening on', 60_000);
  return broker;
}

async function startGateway(g: GatewayProcess): Promise<void> {
  g.proc = startProcess(g.id, 'gateway/src/main.ts', [
    '--properties', join(dir, `gateway-${g.index}.properties`), '--routing-config', join(dir, `routing-${g.index}.json`), '--log-level', 'info',
  ]);
  await g.proc.waitFor('gateway listening', 60_000);
}

async function stopProcess(p: ClusterProcess | undefined): Promise<void> {
  if (p?.running !== true) return;
  p.signal('SIGKILL');
  await p.exited();
}

// ---------------------------------------------------------------- reading the systems directly

/** A system's job counts as its clients read them (getJobCount; Pacer applies its claim-lease read rule). */
async function countsIn(backend: PinLaterBackend): Promise<Record<string, number>> {
  const count = (state: JobState, future = false): Promise<number> => backend.getJobCount({ queue: QUEUE, state, future });
  const [pending, future, inProgress, succeeded, failed] = await Promise.all([
    count(JobState.PENDING), count(JobState.PENDING, true), count(JobState.IN_PROGRESS), count(JobState.SUCCEEDED), count(JobState.FAILED),
  ]);
  return { pending: pending + future, inProgress, succeeded, failed };
}

/** Pacer's `jobs` rows of the queue (how many the queue holds there). */
async function pacerRowCount(): Promise<number> {
  const [rows] = await withMysql((db) => db.query(`SELECT COUNT(*) AS n FROM ${TABLES.jobs} WHERE queue = ?`, [QUEUE]), pacerDb.db.name);
  return Number((rows as Array<{ n: number }>)[0]?.n);
}

const countsOf = (system: System): Promise<Record<string, number>> => countsIn(system === 'legacy' ? directRedis : directPacer);

/** Each descriptor's state in the system that issued it, read there directly. */
async function statesInIssuer(descriptors: readonly string[]): Promise<Map<string, number | undefined>> {
  const pacer = descriptors.filter((d) => parsePacerDescriptor(d) !== undefined);
  const legacy = descriptors.filter((d) => parsePacerDescriptor(d) === undefined);
  const found = await directRedis.lookupJobs({ descriptors: legacy, includeBody: false });
  const inPacer = await directPacer.lookupJobs({ descriptors: pacer, includeBody: false });
  return new Map(descriptors.map((d) => [d, (parsePacerDescriptor(d) === undefined ? found : inPacer).get(d)?.state]));
}

const issuerOf = (descriptor: string): System => (parsePacerDescriptor(descriptor) === undefined ? 'legacy' : 'pacer');

// ---------------------------------------------------------------- the operator's steps

const change = (mode: 'legacy' | 'pacer', reason: string): RoutingChange => ({ mode, legacyCluster: CLUSTER, changedBy: 'live-flip-test', reason });

/**
 * Per gateway, ms from the write's commit (the table node's mtime) to the update of its presence
 * node that names the new version (that node's mtime): both on ZooKeeper's clock.
 */
async function applyDelays(write: RoutingWriteResult): Promise<number[]> {
  const committed = await table.operatorZk.get(table.store.paths.table());
  expect(committed.stat.version).toBe(write.tableVersion);
  const published = await eventually(() => Promise.all(gateways.map(async (g) => {
    const node = await table.operatorZk.get(table.store.paths.gateway(g.id));
    expect({ gateway: g.id, applied: parsePresence(node.data)?.appliedVersion }).toEqual({ gateway: g.id, applied: write.tableVersion });
    return node.stat.mtimeMs;
  })), { timeoutMs: 10_000, intervalMs: 10 });
  return published.map((mtimeMs) => mtimeMs - committed.stat.mtimeMs);
}

/**
 * Waits until every gateway serves table version `version` (its presence says so). A gateway
 * listens before it has read the table and refuses routed calls until then (zk-route-source.ts).
 */
async function allServe(version: number): Promise<void> {
  await eventually(async () => {
    const applied = (await table.store.gateways()).map((p) => [p.gatewayId, p.loaded, p.appliedVersion]);
    expect(applied.sort()).toEqual(gateways.map((g) => [g.id, true, version]));
  }, { timeoutMs: 30_000 });
}

async function appliedVersionGauge(g: GatewayProcess): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${g.adminPort}/stats.txt`, { signal: AbortSignal.timeout(10_000) });
  const line = new RegExp(`^\\s*${routingGaugeNames.appliedVersion.replace(/[/]/g, '\\/')}: (\\d+)$`, 'm').exec(await res.text());
  return Number(line?.[1] ?? Number.NaN);
}

/** Routes the queue, checks both gateways applied it within the budget, returns the delays. */
async function flip(mode: 'legacy' | 'pacer', expectedVersion: number): Promise<number[]> {
  const write = await table.store.write(QUEUE, change(mode, `live flip to ${mode}`), expectedVersion);
  const delays = await applyDelays(write);
  const verdicts = delays.map((ms, i) => ({ gateway: gateways[i]?.id, ms, withinBudget: ms >= 0 && ms <= APPLY_BUDGET_MS }));
  expect(verdicts).toEqual(verdicts.map((v) => ({ ...v, withinBudget: true })));
  for (const g of gateways) expect(await appliedVersionGauge(g)).toBe(write.tableVersion);
  return delays;
}

/** Waits until each consumer has acked ACKS_PER_PHASE jobs of `phase`. */
async function runPhase(t: FlipTraffic, phase: string): Promise<void> {
  t.resumeProducers(phase);
  await eventually(() => {
    for (const g of gateways) expect(t.ackedIn(phase, g.index).length).toBeGreaterThanOrEqual(ACKS_PER_PHASE);
  }, { timeoutMs: 30_000 });
}

/**
 * The operator's preparation of a flip: consumers hold a few jobs, producers pause, consumers drain
 * the rest; resolves with the held jobs once `system` has no pending or failed job and nothing in
 * progress but the held ones.
 */
async function quiesce(t: FlipTraffic, system: System): Promise<HeldJob[]> {
  t.holdNext(HOLD_PER_GATEWAY);
  await eventually(() => expect(t.holdsTaken()).toBe(true), { timeoutMs: 20_000 });
  await t.pauseProducers();
  await eventually(async () => expect(await countsOf(system)).toMatchObject({ pending: 0, inProgress: HOLD_PER_GATEWAY * gateways.length, failed: 0 }), { timeoutMs: 20_000 });
  const held = t.takeHeld();
  expect(held.map((h) => issuerOf(h.descriptor))).toEqual(held.map(() => system));
  return held;
}

const other = (gateway: number): number => (gateway + 1) % gateways.length;

/** Held jobs: the first of each gateway's checkpointed with a new body, then all acked, through the other gateway. */
async function finishHeldElsewhere(t: FlipTraffic, held: readonly HeldJob[]): Promise<Map<string, string>> {
  const newBodies = new Map<string, string>();
  for (const g of gateways) {
    const mine = held.filter((h) => h.gateway === g.index);
    const via = other(g.index);
    const first = mine[0] as HeldJob;
    newBodies.set(first.descriptor, `checkpointed via gw${via}`);
    await t.call('checkpointJobs', via, () => (checkers[via] as ConformanceClient).checkpoint(QUEUE, [{ descriptor: first.descriptor, newBody: `checkpointed via gw${via}` }], first.source));
    await t.call('ackDequeuedJobs', via, () => (checkers[via] as ConformanceClient).ack({ queue: QUEUE, succeeded: mine.map((h) => ({ descriptor: h.descriptor })) }));
    for (const h of mine) t.recordAck(h.descriptor, via);
  }
  return newBodies;
}

/** Looks `descriptors` (acked through gateway g) up through the other gateway: all found, SUCCEEDED. */
async function lookUpElsewhere(t: FlipTraffic, byGateway: ReadonlyMap<number, readonly string[]>, newBodies: ReadonlyMap<string, string>): Promise<void> {
  for (const [gateway, descriptors] of byGateway) {
    const via = other(gateway);
    const found = await t.call('lookupJobs', via, () => (checkers[via] as ConformanceClient).lookup(descriptors, true));
    expect(Object.keys(found).sort()).toEqual([...descriptors].sort());
    for (const d of descriptors) {
      expect({ d, state: found[d]?.jobState }).toEqual({ d, state: WireState.SUCCEEDED });
      const body = newBodies.get(d);
      if (body !== undefined) expect(found[d]?.body?.toString()).toBe(body);
    }
  }
}

/** The held jobs and a sample of the jobs acked before the flip, looked up through the other gateway and in their issuer. */
async function checkDescriptorsAfterFlip(t: FlipTraffic, phaseBefore: string, held: readonly HeldJob[], issuer: System): Promise<void> {
  const byGateway = new Map(gateways.map((g) => [g.index, [
    ...held.filter((h) => h.gateway === g.index).map((h) => h.descriptor),
    ...t.ackedIn(phaseBefore, g.index).slice(-LOOKUP_SAMPLE),
  ]]));
  const newBodies = await finishHeldElsewhere(t, held);
  await lookUpElsewhere(t, byGateway, newBodies);
  const all = [...byGateway.values()].flat();
  expect(all.filter((d) => issuerOf(d) !== issuer)).toEqual([]);
  const states = await statesInIssuer(all);
  expect(all.filter((d) => states.get(d) !== JobState.SUCCEEDED)).toEqual([]);
  expect(await countsOf(issuer)).toMatchObject({ pending: 0, inProgress: 0, failed: 0 });
}

/** Every job enqueued in `phase` is in `system` (read there) and nowhere else. */
async function checkLandedOn(t: FlipTraffic, phase: string, system: System): Promise<void> {
  const descriptors = [...t.enqueued].filter(([, p]) => p === phase).map(([d]) => d);
  expect(descriptors.length).toBeGreaterThan(0);
  expect(descriptors.filter((d) => issuerOf(d) !== system)).toEqual([]);
  const states = await statesInIssuer(descriptors);
  expect(descriptors.filter((d) => states.get(d) === undefined)).toEqual([]);
}

// ---------------------------------------------------------------- lifecycle

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'routing-flip-'));
  [pacerDb, table] = await Promise.all([freshPacerDb(), routingTable()]);
  directRedis = await createLegacyRedisBackend(legacyOptions(NS, redisBackendConfig(shards, []), legacySettings(NS)));
  const brokerPort = await freePort();
  directory = new StaticPartitionDirectory({ fallback: { host: '127.0.0.1', port: brokerPort } });
  directPacer = await createPacerBackend({ mysql: pacerDb.mysql, defaultPartitions: 2, topology: { mode: 'static', directory, brokerCallTimeoutMs: 3000 } });
  for (const index of [0, 1]) gateways.push({ index, id: `flip-gw-${index}`, thriftPort: await freePort(), adminPort: await freePort() });
  writeConfigFiles(brokerPort);
  // The queue: routed to the legacy cluster; it exists there and (the operator made it) on Pacer.
  await table.store.write(QUEUE, change('legacy', 'live flip test queue'), 0);
  await directPacer.createQueue(QUEUE);
  await Promise.all([startBroker(brokerPort), ...gateways.map(startGateway)]);
  await allServe(1);
  checkers = await Promise.all(gateways.map((g) => ConformanceClient.connect({ host: '127.0.0.1', port: g.thriftPort }, `flip-checker-gw${g.index}`)));
  await (checkers[0] as ConformanceClient).createQueue(QUEUE);
  expect((await directRedis.getQueueNames()).has(QUEUE)).toBe(true);
}, 120_000);

afterEach(() => {
  const outcome = testOutcome();
  if (outcome?.scopeFailed() !== true) return;
  for (const p of [broker, ...gateways.map((g) => g.proc)]) {
    if (p !== undefined) outcome.report(`${p.name} output, last lines:\n${p.output.split('\n').slice(-30).join('\n')}`);
  }
});

afterAll(async () => {
  await traffic?.stop();
  await Promise.all(checkers.map((c) => c.close()));
  for (const g of gateways) await stopProcess(g.proc);
  await stopProcess(broker);
  await directPacer?.close();
  await directory?.close();
  await directRedis?.close();
  rmSync(dir, { recursive: true, force: true });
  await releaseNamespace(redisKeysNamespace(shards.flatMap(redisShardKeyPatterns)));
  await pacerDb?.db.drop();
  await table?.release();
}, 60_000);
afterAll(assertNoLeaks);

// ---------------------------------------------------------------- the test

it('routes a queue legacy → Pacer → legacy under traffic through two gateways: applied within 1 s, no call fails, descriptors reach their issuer', async () => {
  const t = await FlipTraffic.start(QUEUE, gateways.map((g) => ({ host: '127.0.0.1', port: g.thriftPort })));
  traffic = t;
  await runPhase(t, 'legacy-1');
  await checkLandedOn(t, 'legacy-1', 'legacy');

  const heldLegacy = await quiesce(t, 'legacy');
  const toPacer = await flip('pacer', 1);
  await checkDescriptorsAfterFlip(t, 'legacy-1', heldLegacy, 'legacy');
  const legacyAfterFlip = await countsIn(directRedis);
  await runPhase(t, 'pacer');
  await checkLandedOn(t, 'pacer', 'pacer');
  expect(await countsIn(directRedis)).toEqual(legacyAfterFlip); // nothing new on the legacy side

  const heldPacer = await quiesce(t, 'pacer');
  const toLegacy = await flip('legacy', 2);
  await checkDescriptorsAfterFlip(t, 'pacer', heldPacer, 'pacer');
  const pacerTotal = await pacerRowCount();
  await runPhase(t, 'legacy-2');
  await checkLandedOn(t, 'legacy-2', 'legacy');
  expect(await pacerRowCount()).toBe(pacerTotal); // nothing new on Pacer

  await t.pauseProducers();
  await eventually(() => expect(t.acked.size).toBe(t.enqueued.size), { timeoutMs: 20_000 });
  await t.stop();
  traffic = undefined;
  expect(t.failures).toEqual([]);
  expect(t.ackCalls).toBe(t.enqueued.size); // every job acked exactly once
  expect([...t.enqueued.keys()].filter((d) => !t.acked.has(d))).toEqual([]);
  expect(await countsIn(directRedis)).toMatchObject({ pending: 0, inProgress: 0, failed: 0 });
  expect(await countsIn(directPacer)).toMatchObject({ pending: 0, inProgress: 0, failed: 0 });
  const perPhase = ['legacy-1', 'pacer', 'legacy-2'].map((p) => `${p} ${[...t.enqueued.values()].filter((q) => q === p).length}`);
  process.stdout.write(`routing-live-flip: jobs ${perPhase.join(', ')}; apply delays (ms, commit → presence, per gateway) legacy→pacer ${toPacer.join(', ')}, pacer→legacy ${toLegacy.join(', ')}\n`);
}, 90_000);
