/**
 * Issue 10 benchmark: what routing costs a gateway, and how fast a routing change reaches the
 * gateways.
 *
 * (a) Overhead. In ONE run, two gateway processes on the same legacy backend (each on a fresh
 *     namespace: new Redis shard names, or a new MySQL instance id `benchdb<id>`) drive the same
 *     workload:
 *       - single:  `gateway/src/main.ts --backend-config` (one backend, bench/support/gateway-child.ts);
 *       - routing: `gateway/src/main.ts --routing-config`, that backend as its one legacy cluster
 *         (same properties), the queue routed to it by a record in a ZooKeeper routing table (a fresh
 *         chroot, set up under the test operator credential of test/integration/routing-fixtures.ts).
 *     Both are warmed up, then driven in alternating slices, B A A B … (bench/support/queue-workload.ts,
 *     as bench/untrusted-input-overhead.ts): a slice is --workers lean-client loops running
 *       1. write: --rounds of enqueue(100) → dequeue(100) → ack of the dequeued jobs (the workload
 *          of bench/legacy-redis-gateway.ts); rate = dequeued jobs/s;
 *       2. read: enqueue 100 (untimed), then --read-rounds of lookupJobs(those 100) → getJobCount
 *          (lookups are routed per descriptor); rate = calls/s.
 *     Prints per repetition each side's rates, p50/p99 per operation and the gateway process's CPU
 *     per job / per call (/proc), then routing/single per repetition and the median, against the
 *     target ≥ 0.95: throughput, adjacent slices, and CPU-bound (single/routing gateway CPU per
 *     job: the throughput ratio were the gateway the bottleneck; steadier on a shared machine).
 *
 * (b) Apply time. --gateways routing gateway processes (default 3) on one routing table (one
 *     Redis namespace, no traffic); --changes operator changes (default 50) with RoutingStore.write,
 *     one queue flipped legacy ↔ pacer, each written once every gateway applied the previous one.
 *     Per change and gateway: from the commit (the `table` znode's mtime) to the gateway's presence
 *     update naming the new version (its `gateways/<id>` znode's mtime), both on ZooKeeper's
 *     clock, found through a watch on each presence node, so this process's own scheduling does
 *     not enter the figure (ms resolution). Also when this process saw it: from write() resolving
 *     (after the commit and the history prune, so it can be the smaller figure) to the watch's
 *     read, what an operator tool waiting for the gateways sees. Prints p50/p99/max per gateway
 *     and overall, against issue 10's 1 s.
 *
 * Absolute rates swing with the machine; only same-run ratios mean anything. Everything started is
 * removed at the end, also on an error or Ctrl-C (gateways, config dirs, namespaces, the chroot).
 *
 *   npx tsx bench/routing-gateway.ts [--backend redis] [--repeat 3] [--slices 4] [--workers 8]
 *     [--rounds 10] [--read-rounds 5] [--warmup-rounds 2] [--gateways 3] [--changes 50]
 *     [--only overhead|apply] [--cpu-prof <dir>]
 *
 * `--cpu-prof <dir>` writes V8 CPU profiles of both overhead gateways into <dir>/<side>-<repetition>/
 * at their exit (the main thread's is the large one; open it in Chrome DevTools or speedscope).
 * Needs Redis :6379, MariaDB :3306 (for --backend mysql) and ZooKeeper :2181:
 * `bash scripts/services.sh start`.
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { ZkClient } from '../core/src/zookeeper/zk-client';
import type { RoutingChange } from '../migration/index';
import { parsePresence } from '../migration/src/routing/gateway-presence';
import { ConformanceClient } from '../test/conformance/harness/conformance-client';
import { routingTable, type RoutingTableFixture } from '../test/integration/routing-fixtures';
import { processCpuSeconds } from './support/cpu-sampler';
import { startGatewayChild, type GatewayChild } from './support/gateway-child';
import { exitWithHeaderHelp } from './support/header-help';
import { integerIn } from './support/integer-option';
import { LatencyRecorder, fmtRate, median } from './support/latency';
import { LeanPinLaterClient } from './support/lean-pinlater-client';
import { freshNamespace, type LegacyBackendName } from './support/legacy-namespace';
import { comparePhase, formatRatios, PHASES, spreadOf, verdict, type Phase } from './support/paired-comparison';
import { Tally, alternatingOrder, tallyDetailLines, timedSlice, type SliceTarget } from './support/queue-workload';
import { startRoutingGatewayChild, type RoutingGatewayChild } from './support/routing-gateway-child';
import { Teardown } from './support/teardown';

exitWithHeaderHelp(__filename);

const MAIN_TREE = resolve(__dirname, '..');
const HOST = '127.0.0.1';
const QUEUE = 'benchq';
const FLIP_QUEUE = 'benchflip';
const CLUSTER = 'bench-legacy';
const TARGET = 0.95;
const APPLY_BUDGET_MS = 1000;
const APPLY_TIMEOUT_MS = 30_000;

type Side = 'single' | 'routing';
const SIDES: readonly Side[] = ['single', 'routing'];
type Pair = Record<Side, Tally>;

interface Options {
  backend: LegacyBackendName;
  repeat: number;
  slices: number;
  workers: number;
  rounds: number;
  readRounds: number;
  warmupRounds: number;
  gateways: number;
  changes: number;
  only?: 'overhead' | 'apply';
  cpuProf?: string;
}

interface OpenSide extends SliceTarget {
  close(): Promise<void>;
}

const teardown = new Teardown();

// ---------------------------------------------------------------- options

function parseOptions(): Options {
  return new Command()
    .description('Routing gateway vs single-backend gateway (same run), and the time a routing change takes to reach the gateways (issue 10)')
    .addOption(new Option('--backend <name>', 'legacy backend of the overhead part').choices(['redis', 'mysql']).default('redis'))
    .option('--repeat <n>', 'overhead repetitions (fresh gateways each); ratios are reported as the median', integerIn(1, 20), 3)
    .option('--slices <n>', 'timed slices per side per repetition, alternating B A A B …', integerIn(1, 50), 4)
    .option('--workers <n>', 'concurrent client loops', integerIn(1, 64), 8)
    .option('--rounds <n>', 'write rounds per loop per slice', integerIn(1, 1000), 10)
    .option('--read-rounds <n>', 'lookupJobs + getJobCount rounds per loop per slice', integerIn(1, 1000), 5)
    .option('--warmup-rounds <n>', 'untimed write and read rounds on every gateway first', integerIn(0, 100), 2)
    .option('--gateways <n>', 'routing gateways of the apply-time part', integerIn(1, 10), 3)
    .option('--changes <n>', 'routing changes of the apply-time part', integerIn(1, 10_000), 50)
    .addOption(new Option('--only <part>', 'run one part only').choices(['overhead', 'apply']))
    .option('--cpu-prof <dir>', 'write a V8 CPU profile of both overhead gateways into <dir>')
    .parse()
    .opts<Options>();
}

// ---------------------------------------------------------------- the routing table

async function openRoutingTable(): Promise<RoutingTableFixture> {
  const table = await routingTable();
  teardown.track(() => table.release().then(() => undefined));
  return table;
}

const change = (mode: 'legacy' | 'pacer', reason: string): RoutingChange => ({ mode, legacyCluster: CLUSTER, changedBy: 'bench:routing-gateway', reason });

/** Polls the gateways' presence until each of `ids` serves at least `version` (start-up only). */
async function waitServing(table: RoutingTableFixture, ids: readonly string[], version: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const serving = new Set((await table.store.gateways()).filter((p) => p.loaded && p.appliedVersion >= version).map((p) => p.gatewayId));
    if (ids.every((id) => serving.has(id))) return;
    if (Date.now() > deadline) throw new Error(`gateways ${ids.filter((id) => !serving.has(id)).join(', ')} did not load routing table version ${version}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------------------------------------------------------------- (a) overhead

async function connectClients(port: number, opts: Options, label: string): Promise<LeanPinLaterClient[]> {
  const admin = await ConformanceClient.connect({ host: HOST, port }, 'bench:admin');
  try {
    await admin.createQueue(QUEUE);
  } finally {
    await admin.close();
  }
  const clients: LeanPinLaterClient[] = [];
  for (let i = 0; i < opts.workers; i++) clients.push(await LeanPinLaterClient.connect(HOST, port, `bench:${label}${i}`));
  return clients;
}

/** Fresh namespace, the side's gateway on it, the queue, the client loops' connections. */
async function openSide(side: Side, table: RoutingTableFixture, opts: Options, rep: number): Promise<OpenSide> {
  const ns = freshNamespace(opts.backend);
  const drop = teardown.track(() => ns.drop());
  // A directory per gateway: node also profiles tsx's loader thread, into a file of its own.
  const nodeArgs = opts.cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(opts.cpuProf, `${side}-${rep}`)}`];
  let gateway: GatewayChild | RoutingGatewayChild | undefined;
  const clients: LeanPinLaterClient[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(clients.map((c) => c.close()));
    await gateway?.stop();
    await drop();
  };
  try {
    if (side === 'single') {
      gateway = await startGatewayChild(MAIN_TREE, `gateway ${side}`, ns, teardown, nodeArgs);
    } else {
      const gatewayId = `bench-overhead-${rep}`;
      const backend = opts.backend === 'redis' ? 'legacy-redis' : 'legacy-mysql';
      gateway = await startRoutingGatewayChild({ treeDir: MAIN_TREE, name: `gateway ${side}`, gatewayId, backend, nodeArgs }, ns, { zookeeper: table.connectString, cluster: CLUSTER }, teardown);
      await waitServing(table, [gatewayId], 1);
    }
    const pid = gateway.pid;
    clients.push(...(await connectClients(gateway.port, opts, side)));
    return { cpuSeconds: () => processCpuSeconds(pid), clients, close };
  } catch (e) {
    await close();
    throw e;
  }
}

function slice(side: OpenSide, rounds: { write: number; read: number }, tally: Tally): Promise<void> {
  return timedSlice(side, QUEUE, rounds, tally);
}

async function overheadRepetition(table: RoutingTableFixture, opts: Options, rep: number): Promise<Pair> {
  const open: Partial<Record<Side, OpenSide>> = {};
  try {
    for (const side of SIDES) open[side] = await openSide(side, table, opts, rep);
    const sides = open as Record<Side, OpenSide>;
    const warmUp = { write: opts.warmupRounds, read: opts.warmupRounds };
    if (opts.warmupRounds > 0) for (const side of SIDES) await slice(sides[side], warmUp, new Tally());
    const pair: Pair = { single: new Tally(), routing: new Tally() };
    for (const side of alternatingOrder<Side>('single', 'routing', opts.slices, rep)) await slice(sides[side], { write: opts.rounds, read: opts.readRounds }, pair[side]);
    return pair;
  } finally {
    for (const side of SIDES) await open[side]?.close();
  }
}

function printSide(rep: number, opts: Options, side: Side, t: Tally): void {
  console.log(`[${rep}/${opts.repeat}] ${side.padEnd(8)} write ${fmtRate(t.jobsPerSecond).padStart(14)}   read ${Math.round(t.callsPerSecond).toLocaleString('en-US').padStart(6)} calls/s`);
  for (const line of tallyDetailLines(t)) console.log(line);
}

function printPhaseSummary(phase: Phase, pairs: Pair[]): void {
  const c = comparePhase(phase, pairs.map((p) => ({ baseline: p.single, candidate: p.routing })));
  const width = spreadOf(c.baselineRates);
  const spread = width === undefined ? 'n/a' : `${(100 * width).toFixed(1)} %`;
  const indent = ''.padEnd(10);
  console.log(`  ${phase.name.padEnd(8)}throughput ${formatRatios(c.throughput)} → median ${median(c.throughput).toFixed(3)}x   (${verdict(median(c.throughput), TARGET)})`);
  console.log(`${indent}adjacent slices: median ${median(c.slices).toFixed(3)}x of ${c.slices.length}; single-backend rates spread ${spread} across repetitions`);
  console.log(`${indent}CPU-bound  ${formatRatios(c.cpuBound)} → median ${median(c.cpuBound).toFixed(3)}x   (${verdict(median(c.cpuBound), TARGET)})  [gateway CPU per ${phase.unit}, single/routing; medians ${c.baselineCpu.toFixed(1)} / ${c.candidateCpu.toFixed(1)} µs]`);
}

async function benchOverhead(table: RoutingTableFixture, opts: Options): Promise<void> {
  console.log(`(a) overhead: ${opts.repeat} repetition(s), ${opts.slices} slices per side each (B A A B …); a slice = ${opts.workers} loops × ${opts.rounds} rounds of ` +
    `enqueue(100) → dequeue(100) → ack, then ${opts.readRounds} rounds of lookupJobs(100) → getJobCount; legacy ${opts.backend}\n`);
  await table.store.write(QUEUE, change('legacy', 'benchmark queue'), 0);
  const pairs: Pair[] = [];
  for (let rep = 1; rep <= opts.repeat; rep++) {
    const pair = await overheadRepetition(table, opts, rep);
    for (const side of SIDES) printSide(rep, opts, side, pair[side]);
    pairs.push(pair);
  }
  console.log(`\nrouting/single per repetition → median (target ≥ ${TARGET}):`);
  for (const phase of PHASES) printPhaseSummary(phase, pairs);
}

// ---------------------------------------------------------------- (b) apply time

interface Seen {
  /** The presence update's mtime (ZooKeeper's clock). */
  readonly mtimeMs: number;
  /** When this process read it (performance.now()). */
  readonly seenAt: number;
}

function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once the presence node at `path` names `version` or newer: read on each change (watch). */
async function presenceAt(zk: ZkClient, path: string, version: number): Promise<Seen> {
  const deadline = performance.now() + APPLY_TIMEOUT_MS;
  for (;;) {
    let fire: () => void = () => undefined;
    const changed = new Promise<void>((r) => (fire = r));
    const node = await zk.get(path, () => fire());
    if ((parsePresence(node.data)?.appliedVersion ?? 0) >= version) return { mtimeMs: node.stat.mtimeMs, seenAt: performance.now() };
    const left = deadline - performance.now();
    if (left <= 0 || !(await within(changed, left))) throw new Error(`${path}: table version ${version} not applied within ${APPLY_TIMEOUT_MS} ms`);
  }
}

/** Apply delays of one kind: per gateway and over all of them. */
class ApplyDelays {
  readonly all = new LatencyRecorder();
  readonly perGateway: Map<string, LatencyRecorder>;

  constructor(ids: readonly string[]) {
    this.perGateway = new Map(ids.map((id) => [id, new LatencyRecorder()]));
  }

  add(id: string, ms: number): void {
    this.perGateway.get(id)?.add(ms);
    this.all.add(ms);
  }

  print(label: string): void {
    const line = (name: string, r: LatencyRecorder): string =>
      `    ${name.padEnd(14)} p50 ${r.percentile(50).toFixed(1)} ms  p99 ${r.percentile(99).toFixed(1)} ms  max ${r.percentile(100).toFixed(1)} ms`;
    console.log(`  ${label}`);
    for (const [id, r] of this.perGateway) console.log(line(id, r));
    const max = this.all.percentile(100);
    console.log(`${line('all', this.all)}   (issue 10: ≤ ${APPLY_BUDGET_MS} ms, ${max <= APPLY_BUDGET_MS ? 'met' : 'NOT met'})`);
  }
}

/**
 * Change `k` (flips the queue; its record is at version k), then waits for every gateway to
 * publish the new table version: records commit → presence update (ZooKeeper's clock) in `zkClock`
 * and write() resolved → read here in `seenHere`.
 */
async function oneChange(table: RoutingTableFixture, zk: ZkClient, ids: readonly string[], k: number, delays: { zkClock: ApplyDelays; seenHere: ApplyDelays }): Promise<void> {
  const mode = k % 2 === 1 ? 'pacer' : 'legacy';
  const write = await table.store.write(FLIP_QUEUE, change(mode, `bench change ${k}`), k);
  const written = performance.now();
  const committed = await zk.get(table.store.paths.table());
  if (committed.stat.version !== write.tableVersion) throw new Error(`table moved under the bench: ${committed.stat.version} ≠ ${write.tableVersion}`);
  const seen = await Promise.all(ids.map((id) => presenceAt(zk, table.store.paths.gateway(id), write.tableVersion)));
  ids.forEach((id, i) => {
    const s = seen[i] as Seen;
    delays.zkClock.add(id, s.mtimeMs - committed.stat.mtimeMs);
    delays.seenHere.add(id, s.seenAt - written);
  });
}

async function benchApply(table: RoutingTableFixture, opts: Options): Promise<void> {
  console.log(`\n(b) apply time: ${opts.gateways} routing gateways on one routing table, ${opts.changes} changes of one queue (legacy ↔ pacer)\n`);
  const ns = freshNamespace('redis');
  const drop = teardown.track(() => ns.drop());
  const gateways: RoutingGatewayChild[] = [];
  try {
    for (let i = 1; i <= opts.gateways; i++) {
      const options = { treeDir: MAIN_TREE, name: `routing gateway ${i}`, gatewayId: `bench-gw-${i}`, backend: 'legacy-redis' as const };
      gateways.push(await startRoutingGatewayChild(options, ns, { zookeeper: table.connectString, cluster: CLUSTER }, teardown));
    }
    const ids = gateways.map((g) => g.gatewayId);
    await table.store.write(FLIP_QUEUE, change('legacy', 'apply-time benchmark queue'), 0);
    await waitServing(table, ids, await table.store.tableVersion());
    const zk = await table.connect();
    const delays = { zkClock: new ApplyDelays(ids), seenHere: new ApplyDelays(ids) };
    for (let k = 1; k <= opts.changes; k++) await oneChange(table, zk, ids, k, delays);
    delays.zkClock.print('commit → presence update naming the version (ZooKeeper clock):');
    delays.seenHere.print('write() resolved → seen by this process through the watch:');
  } finally {
    for (const g of gateways) await g.stop();
    await drop();
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const opts = parseOptions();
  teardown.exitOnSignals();
  console.log(`routing gateway benchmark (issue 10); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  try {
    const table = await openRoutingTable();
    if (opts.only !== 'apply') await benchOverhead(table, opts);
    if (opts.only !== 'overhead') await benchApply(table, opts);
  } finally {
    await teardown.runAll();
  }
}

teardown.runMain(main);
