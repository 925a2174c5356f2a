/**
 * Issue 15 benchmark: Pacer's Helix-style controller at fleet scale (real ZooKeeper on
 * 127.0.0.1:2181). For each size of a queue-count sweep (every queue a resource of --partitions
 * partitions), on a FRESH chroot:
 *
 * Setup (untimed as a measurement, its time printed): the queues are created from an admin
 * client (addQueue, 32 at a time), three bare participants start as processes of their own
 * (bench/support/pacer-participant-process.ts, session timeout 4 s), then ONE controller in its own
 * process (bench/support/pacer-controller-process.ts: it answers `stats` with its ZooKeeper reads
 * and writes, CPU and counters). Setup waits until every partition is ONLINE on exactly one live
 * instance. It runs with MAX_PARTITION_IN_TRANSITION 800 (not unlimited: a controller from before
 * issue 15, run with --controller-tree, sends a run's messages in ONE multi, and above ~1,200
 * messages that request passes ZooKeeper's 1 MB limit and the run fails, again and again); the
 * default (DEFAULT_MAX_PARTITIONS_IN_TRANSITION, 1000) is set before (a).
 *
 * (a) createQueue → served: --creates new queues, one at a time; each is timed from addQueue until
 *     its external view shows every partition ONLINE on one live instance (that one node polled
 *     every 5 ms). p50 / p99 / max.
 * (b) the controller's ZooKeeper reads and writes, and CPU ms (user + system), per creation: its
 *     `stats` before and after (a), both taken once its pipeline runs have stopped (no new run for
 *     300 ms). Everything it did meanwhile counts, its periodic safety-net runs included.
 * (c) a broker leaving: kill -9 of one participant; time until every partition is ONLINE on the
 *     other two (target: session timeout + 2 s = 6 s). Then a broker joining: a new participant
 *     process; time from its live-instance node's creation (ZooKeeper mtime) until fully rebalanced:
 *     each partition ONLINE exactly once and, within every queue, each live instance holding floor
 *     or ceil of partitions / 3 (the balance the controller's assignment guarantees: per resource;
 *     the extra slots stay with the instances that keep the most, so cluster-wide a newcomer ends
 *     with one partition of each 4-partition queue: a quarter, not a third; printed).
 *     The controller's reads, writes and CPU for each. The setup, leave and join waits follow the
 *     external views through their watches (bench/support/external-view-watch.ts: one read per
 *     view written, as a gateway follows them; printed as the observer's reads); each time is
 *     ZooKeeper's write time (mtime) of the view that completed it, not when the bench saw it.
 *     Until 2026-12-05 the waits re-read every pending view every 250 ms (all of them for the
 *     join): thousands of reads a round, which took a large share of this 2-core machine from the
 *     controller and participants being timed (docs/pacer-performance.md).
 *
 * Output: progress lines, one table row per size, the same as a markdown table in the columns of
 * docs/pacer-performance.md's fleet-scale table, then one JSON line with everything. Waits give up
 * with a message after 30 s (120 s for setup, leave and join above 250 queues; 30 s per creation);
 * a phase that gives up ends its size (the row says so) and the sweep goes on. The chroot and every
 * child process are removed at the end of each size, also on an error or Ctrl-C.
 *
 *   npx tsx bench/pacer-cluster-scale.ts [--queues 100,1000,2500] [--creates 50] [--partitions 4]
 *   npx tsx bench/pacer-cluster-scale.ts --quick          # sizes 100 and 500
 *
 * --controller-tree <dir> starts the controller from another checkout (its
 * bench/support/pacer-controller-process.ts, with its node_modules), e.g. HEAD's controller while
 * the work tree rewrites it: `git archive HEAD | tar -x -C <dir>`, link node_modules, copy the
 * support file in. Participants always run from this tree.
 *
 * --recoveries-unthrottled measures with the throttle Helix-style by kind: hand-offs (LOAD_BALANCE)
 * bounded by the default 1000, every transition in all by 10,000 (the operator command's largest),
 * so a leave's takeovers go out in one run (`pinlater-ops pacer settings set
 * --max-partitions-in-transition 1000 --rebalance-type LOAD_BALANCE`, then 10000 without a type).
 * Without it: the default, 1000 transitions of any kind at once.
 *
 * --controller-log <file> appends the controller's debug log to <file>: one JSON line per pipeline
 * run (`controller pipeline run`: duration, messages, `phasesMs` read / plan / dispatch / persist /
 * externalViews) and one per assignment change, to see where a leave or join spends its time.
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError } from 'commander';
import { mapBounded } from '../core/src/util/map-bounded';
import { addQueue, updateClusterSettings } from '../pacer/src/coordination/cluster-setup';
import { MAX_PARTITIONS_IN_TRANSITION_LIMIT } from '../pacer/src/cli/cluster-settings-record';
import { DEFAULT_MAX_PARTITIONS_IN_TRANSITION } from '../pacer/src/coordination/helix-records';
import { liveInstances, waitAllServed, waitBalanced, waitQueueServed, type ScanTarget } from './support/external-view-scan';
import { ExternalViewWatch } from './support/external-view-watch';
import { exitWithHeaderHelp } from './support/header-help';
import { BenchCluster } from './support/helix-bench-cluster';
import type { ControllerProcess, ControllerProcessStats, ParticipantProcess } from './support/helix-member-processes';
import { integerIn } from './support/integer-option';
import { LatencyRecorder } from './support/latency';
import { Teardown } from './support/teardown';

exitWithHeaderHelp(__filename);

const ZOOKEEPER = '127.0.0.1:2181';
const CLUSTER = 'pacer';
const PARTICIPANT_SESSION_MS = 4000;
const CONTROLLER_SESSION_MS = 10_000;
const PARTICIPANTS = ['broker-0', 'broker-1', 'broker-2'];
const NEWCOMER = 'broker-3';
const CREATE_CONCURRENCY = 32;
/** Setup's MAX_PARTITION_IN_TRANSITION: one run's messages (~0.8 kB each) in one multi stay well under 1 MB. */
const SETUP_MAX_IN_TRANSITION = 800;
const LARGE_SIZE = 250;
const WAIT_MS = 30_000;
const LARGE_WAIT_MS = 120_000;
const CREATE_POLL_MS = 5;
/** Between two rounds of external-view reads in the leave and join waits (their times come from ZooKeeper, not the rounds). */
const ROUND_PAUSE_MS = 250;
const SETUP_PAUSE_MS = 500;
/** The controller counts as idle once no pipeline run started for this long. */
const SETTLE_MS = 300;
const SETTLE_MAX_MS = 10_000;

interface Options {
  queues: number[];
  quick?: boolean;
  creates: number;
  partitions: number;
  controllerTree?: string;
  controllerLog?: string;
  recoveriesUnthrottled?: boolean;
}

/** Controller cost over one phase: counter deltas (reads, writes, pipelineRuns, …) and cpuMs. */
type Cost = Record<string, number>;

interface SizeResult {
  queues: number;
  partitions: number;
  setupMs?: number;
  creates?: { n: number; p50Ms: number; p99Ms: number; maxMs: number; perCreate: { reads: number; writes: number; cpuMs: number; pipelineRuns: number }; controller: Cost };
  leave?: { ms: number; targetMs: number; observerReads: number; controller: Cost };
  join?: { ms: number; spawnToLiveMs: number; partitionsPerInstance: Record<string, number>; observerReads: number; controller: Cost };
  gaveUp?: string;
}

const teardown = new Teardown();

function sizeList(raw: string): number[] {
  const sizes = raw.split(',').map((s) => integerIn(1, 100_000)(s.trim()));
  if (sizes.length === 0) throw new InvalidArgumentError('a comma-separated list of queue counts');
  return sizes;
}

function parseOptions(): Options {
  const opts = new Command()
    .description("Pacer's controller at fleet scale: createQueue → served latency, controller ZooKeeper reads and CPU per creation, broker leave/join times (issue 15)")
    .option('--queues <list>', 'queue counts of the sweep, comma-separated', sizeList, [100, 1000, 2500])
    .option('--quick', 'sizes 100 and 500 only')
    .option('--creates <n>', 'queues created one at a time in (a)', integerIn(1, 10_000), 50)
    .option('--partitions <n>', 'partitions per queue', integerIn(1, 64), 4)
    .option('--controller-tree <dir>', 'start the controller from this checkout')
    .option('--controller-log <file>', "append the controller's debug log here: one line per pipeline run with where its time went (phasesMs)")
    .option('--recoveries-unthrottled', 'hand-offs (LOAD_BALANCE) bounded by 1000, 10,000 transitions in all, instead of 1000 of any kind')
    .parse()
    .opts<Options>();
  return opts.quick ? { ...opts, queues: [100, 500] } : opts;
}

const queueName = (i: number): string => `scale_${String(i).padStart(5, '0')}`;
const newQueueName = (i: number): string => `scale_new_${String(i).padStart(4, '0')}`;
const waitMsFor = (queues: number): number => (queues > LARGE_SIZE ? LARGE_WAIT_MS : WAIT_MS);

// ---------------------------------------------------------------- controller cost

/** Its stats once no pipeline run started for SETTLE_MS (bounded by SETTLE_MAX_MS). */
async function settledStats(controller: ControllerProcess): Promise<ControllerProcessStats> {
  const deadline = Date.now() + SETTLE_MAX_MS;
  let last = await controller.stats();
  for (;;) {
    await sleep(SETTLE_MS);
    const now = await controller.stats();
    if (now.pipelineRuns === last.pipelineRuns || Date.now() > deadline) return now;
    last = now;
  }
}

function costBetween(before: ControllerProcessStats, after: ControllerProcessStats): Cost {
  const cost: Cost = {};
  for (const [key, value] of Object.entries(after)) {
    if (typeof value === 'number' && typeof before[key] === 'number') cost[key] = value - before[key];
  }
  cost.cpuMs = Math.round((cost.cpuUserMs ?? 0) + (cost.cpuSystemMs ?? 0));
  return cost;
}

// ---------------------------------------------------------------- phases

async function setUp(cluster: BenchCluster, opts: Options, queues: readonly string[], scan: ScanTarget): Promise<{ controller: ControllerProcess; participants: ParticipantProcess[]; setupMs: number }> {
  const started = Date.now();
  await mapBounded(queues, CREATE_CONCURRENCY, (q) => addQueue(cluster.admin, cluster.paths, q, { numPartitions: opts.partitions }));
  const member = { sessionTimeoutMs: PARTICIPANT_SESSION_MS, timeoutMs: WAIT_MS };
  const participants = await Promise.all(PARTICIPANTS.map((name) => cluster.startParticipant({ ...member, name })));
  const controller = await cluster.startController({ name: 'controller-0', sessionTimeoutMs: CONTROLLER_SESSION_MS, timeoutMs: WAIT_MS, cwd: opts.controllerTree, logFile: opts.controllerLog });
  await waitAllServed(scan, new ExternalViewWatch(scan, queues), { what: `setup (${queues.length} queues served)`, startMs: started, timeoutMs: waitMsFor(queues.length), pauseMs: SETUP_PAUSE_MS });
  const setupMs = Date.now() - started;
  await updateClusterSettings(cluster.admin, cluster.paths, opts.recoveriesUnthrottled === true
    ? { maxPartitionsInTransition: MAX_PARTITIONS_IN_TRANSITION_LIMIT, maxByRebalanceType: { LOAD_BALANCE: DEFAULT_MAX_PARTITIONS_IN_TRANSITION } }
    : { maxPartitionsInTransition: DEFAULT_MAX_PARTITIONS_IN_TRANSITION });
  return { controller, participants, setupMs };
}

async function measureCreates(cluster: BenchCluster, controller: ControllerProcess, opts: Options, scan: ScanTarget): Promise<NonNullable<SizeResult['creates']>> {
  const live = await liveInstances(scan);
  const latency = new LatencyRecorder();
  const before = await settledStats(controller);
  for (let i = 0; i < opts.creates; i++) {
    const queue = newQueueName(i);
    const startMs = Date.now();
    await addQueue(cluster.admin, cluster.paths, queue, { numPartitions: opts.partitions });
    latency.add(await waitQueueServed(scan, queue, live, { what: `${queue} served`, startMs, timeoutMs: WAIT_MS, pauseMs: CREATE_POLL_MS }));
  }
  const controllerCost = costBetween(before, await settledStats(controller));
  const per = (n: number | undefined): number => +((n ?? 0) / opts.creates).toFixed(1);
  return {
    n: opts.creates,
    p50Ms: latency.percentile(50),
    p99Ms: latency.percentile(99),
    maxMs: latency.percentile(100),
    perCreate: { reads: per(controllerCost.reads), writes: per(controllerCost.writes), cpuMs: per(controllerCost.cpuMs), pipelineRuns: per(controllerCost.pipelineRuns) },
    controller: controllerCost,
  };
}

async function measureLeave(controller: ControllerProcess, victim: ParticipantProcess, views: ExternalViewWatch, scan: ScanTarget): Promise<NonNullable<SizeResult['leave']>> {
  await views.refresh(); // every view read and watched before the clock starts
  const before = await settledStats(controller);
  const readsBefore = views.readCount();
  const startMs = Date.now();
  await victim.kill9();
  const ms = await waitAllServed(scan, views, { what: `the partitions of ${victim.name} (kill -9) served by the others`, startMs, timeoutMs: waitMsFor(views.queues.length), pauseMs: ROUND_PAUSE_MS }, victim.name);
  return { ms, targetMs: PARTICIPANT_SESSION_MS + 2000, observerReads: views.readCount() - readsBefore, controller: costBetween(before, await settledStats(controller)) };
}

/** When the newcomer's live-instance node was created (ZooKeeper's clock, on this machine). */
async function liveSinceMs(cluster: BenchCluster, name: string, fallbackMs: number): Promise<number> {
  const stat = await cluster.admin.exists(cluster.paths.liveInstance(name));
  return stat && stat.mtimeMs > 0 ? stat.mtimeMs : fallbackMs;
}

async function measureJoin(cluster: BenchCluster, controller: ControllerProcess, views: ExternalViewWatch, scan: ScanTarget): Promise<NonNullable<SizeResult['join']>> {
  await views.refresh();
  const before = await settledStats(controller);
  const readsBefore = views.readCount();
  const spawnMs = Date.now();
  await cluster.startParticipant({ name: NEWCOMER, sessionTimeoutMs: PARTICIPANT_SESSION_MS, timeoutMs: WAIT_MS });
  const startMs = await liveSinceMs(cluster, NEWCOMER, Date.now());
  const { ms, perInstance } = await waitBalanced(scan, views, { what: `a balanced cluster after ${NEWCOMER} joined`, startMs, timeoutMs: waitMsFor(views.queues.length), pauseMs: ROUND_PAUSE_MS });
  return { ms, spawnToLiveMs: startMs - spawnMs, partitionsPerInstance: perInstance, observerReads: views.readCount() - readsBefore, controller: costBetween(before, await settledStats(controller)) };
}

// ---------------------------------------------------------------- one size

function log(size: number, line: string): void {
  console.log(`[${size} queues] ${line}`);
}

async function runPhases(cluster: BenchCluster, opts: Options, result: SizeResult): Promise<void> {
  const scan: ScanTarget = { zk: cluster.admin, paths: cluster.paths, partitionsPerQueue: opts.partitions };
  const queues = Array.from({ length: result.queues }, (_v, i) => queueName(i));
  const { controller, participants, setupMs } = await setUp(cluster, opts, queues, scan);
  result.setupMs = setupMs;
  log(result.queues, `setup: ${result.partitions} partitions served on ${PARTICIPANTS.length} participants in ${(setupMs / 1000).toFixed(1)} s`);
  result.creates = await measureCreates(cluster, controller, opts, scan);
  const c = result.creates;
  log(result.queues, `(a) ${c.n} creates → served: p50 ${c.p50Ms} ms, p99 ${c.p99Ms} ms, max ${c.maxMs} ms; (b) per create: ${c.perCreate.reads} reads, ${c.perCreate.writes} writes, ${c.perCreate.cpuMs} cpu ms, ${c.perCreate.pipelineRuns} pipeline runs`);
  const all = [...queues, ...Array.from({ length: opts.creates }, (_v, i) => newQueueName(i))];
  const views = new ExternalViewWatch(scan, all);
  result.leave = await measureLeave(controller, participants[PARTICIPANTS.length - 1] as ParticipantProcess, views, scan);
  log(result.queues, `(c) leave (kill -9): ${result.leave.ms} ms (target ${result.leave.targetMs}); controller ${result.leave.controller.reads} reads, ${result.leave.controller.writes} writes, ${result.leave.controller.cpuMs} cpu ms; the bench's view reads ${result.leave.observerReads}`);
  result.join = await measureJoin(cluster, controller, views, scan);
  log(result.queues, `(c) join: ${result.join.ms} ms from live (spawn → live ${result.join.spawnToLiveMs} ms); controller ${result.join.controller.reads} reads, ${result.join.controller.writes} writes, ${result.join.controller.cpuMs} cpu ms; the bench's view reads ${result.join.observerReads}; per instance ${JSON.stringify(result.join.partitionsPerInstance)}`);
}

async function measureSize(size: number, opts: Options): Promise<SizeResult> {
  const result: SizeResult = { queues: size, partitions: size * opts.partitions };
  const settings = { maxPartitionsInTransition: SETUP_MAX_IN_TRANSITION };
  const cluster = await BenchCluster.open({ zookeeper: ZOOKEEPER, cluster: CLUSTER, settings }, teardown);
  try {
    await runPhases(cluster, opts, result);
  } catch (e) {
    if (teardown.signalled !== undefined) throw e;
    result.gaveUp = e instanceof Error ? e.message : String(e);
    log(size, `GAVE UP: ${result.gaveUp}`);
  } finally {
    await cluster.release();
  }
  return result;
}

// ---------------------------------------------------------------- output

function throttleText(opts: Options): string {
  return opts.recoveriesUnthrottled === true
    ? `LOAD_BALANCE ${DEFAULT_MAX_PARTITIONS_IN_TRANSITION}, ANY ${MAX_PARTITIONS_IN_TRANSITION_LIMIT} (--recoveries-unthrottled)`
    : `ANY ${DEFAULT_MAX_PARTITIONS_IN_TRANSITION} (the default)`;
}

const COLUMNS = ['queues', 'partitions', 'setup s', 'create p50', 'p99', 'max ms', 'reads/create', 'writes/create', 'cpu ms/create', 'leave ms', 'join ms'];

function row(r: SizeResult): string[] {
  const c = r.creates;
  const dash = (v: number | undefined, digits = 0): string => (v === undefined ? (r.gaveUp ? 'gave up' : '—') : v.toFixed(digits));
  return [String(r.queues), String(r.partitions), dash(r.setupMs === undefined ? undefined : r.setupMs / 1000, 1),
    dash(c?.p50Ms), dash(c?.p99Ms), dash(c?.maxMs), dash(c?.perCreate.reads, 1), dash(c?.perCreate.writes, 1), dash(c?.perCreate.cpuMs, 1),
    dash(r.leave?.ms), dash(r.join?.ms)];
}

function printTable(results: readonly SizeResult[]): void {
  const rows = [COLUMNS, ...results.map(row)];
  const widths = COLUMNS.map((_c, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  console.log('');
  for (const r of rows) console.log(r.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  '));
  for (const r of results) {
    if (r.leave) console.log(`${r.queues} queues: leave ${r.leave.ms} ms (target ${r.leave.targetMs}): controller ${r.leave.controller.reads} reads, ${r.leave.controller.writes} writes, ${r.leave.controller.cpuMs} cpu ms, ${r.leave.controller.pipelineRuns} runs`);
    if (r.join) console.log(`${r.queues} queues: join ${r.join.ms} ms: controller ${r.join.controller.reads} reads, ${r.join.controller.writes} writes, ${r.join.controller.cpuMs} cpu ms, ${r.join.controller.pipelineRuns} runs; ONLINE partitions per instance after: ${JSON.stringify(r.join.partitionsPerInstance)}`);
    if (r.gaveUp) console.log(`${r.queues} queues: gave up: ${r.gaveUp}`);
  }
}

/** The same rows as docs/pacer-performance.md's fleet-scale table, ready to paste there (recorded by hand before, and mistyped). */
function printMarkdown(results: readonly SizeResult[], opts: Options): void {
  const ms = (v: number | undefined, r: SizeResult): string => (v === undefined ? (r.gaveUp ? 'gave up' : '—') : `${v.toLocaleString('en-US')} ms`);
  console.log('');
  console.log(`markdown (throttle ${throttleText(opts)}; ${opts.creates} creates per size):`);
  console.log('| queues (partitions) | createQueue → served p50 / p99 | controller ZooKeeper reads per creation | controller CPU per creation | broker leaves (kill -9) → all served | broker joins → balanced |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    const c = r.creates;
    const created = c === undefined ? ms(undefined, r) : `${c.p50Ms} / ${c.p99Ms} ms`;
    const reads = c === undefined ? '—' : String(c.perCreate.reads);
    const cpu = c === undefined ? '—' : `${c.perCreate.cpuMs} ms`;
    console.log(`| ${r.queues.toLocaleString('en-US')} (${r.partitions.toLocaleString('en-US')}) | ${created} | ${reads} | ${cpu} | ${ms(r.leave?.ms, r)} | ${ms(r.join?.ms, r)} |`);
  }
}

async function main(): Promise<void> {
  const opts = parseOptions();
  teardown.exitOnSignals();
  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`pacer cluster scale (issue 15): sizes ${opts.queues.join(', ')} queues of ${opts.partitions} partitions, ${opts.creates} creates each; controller from ${opts.controllerTree ?? 'this tree'}; throttle ${throttleText(opts)}; load average ${load()}`);
  const results: SizeResult[] = [];
  try {
    for (const size of opts.queues) results.push(await measureSize(size, opts));
  } finally {
    await teardown.runAll();
  }
  printTable(results);
  printMarkdown(results, opts);
  console.log(`load average at the end ${load()}`);
  console.log(JSON.stringify({ bench: 'pacer-cluster-scale', partitionsPerQueue: opts.partitions, creates: opts.creates, participantSessionTimeoutMs: PARTICIPANT_SESSION_MS, controllerTree: opts.controllerTree ?? null, recoveriesUnthrottled: opts.recoveriesUnthrottled === true, sizes: results }));
  if (results.some((r) => r.gaveUp !== undefined)) process.exitCode = 1;
}

teardown.runMain(main);
