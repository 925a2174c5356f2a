/**
 * Issue 8 benchmark: what the guards against untrusted input cost in gateway throughput (queue
 * names validated at the edge for every method, bounded batches and lookups, bounded stats
 * cardinality, transport budgets, quoted identifiers in the MySQL store). Target: the checks cost
 * ≤ 2 %, i.e. after/before ≥ 0.98, on the legacy Redis and on the legacy MySQL backend.
 *
 * In ONE run, for each backend, gateways from two trees drive the same workload:
 *   - before: the tree at --baseline-ref (default 8cca3b2, the last commit before issue 8's work),
 *     checked out as a detached git worktree in a temp dir, node_modules symlinked to this tree's
 *     (so both sides run the same dependency versions); removed at the end, also on an error or
 *     Ctrl-C;
 *   - after: this working tree as it is, uncommitted changes included; or, with --after-ref, a
 *     second worktree of that ref (e.g. `--after-ref HEAD` once issue 8 is committed).
 * Each repetition starts one fresh gateway process per side (`node --import tsx
 * gateway/src/main.ts`, real Thrift framed binary over TCP), each on a fresh namespace: new Redis
 * shard names, or a new MySQL instance id `benchdb<id>` (root, empty password,
 * MYSQL_NUM_DB_PER_QUEUE=2), whose keys or `plq_<id>…` databases are deleted afterwards. Both are
 * warmed up, then driven in alternating slices, B A A B B A A B … (the next repetition starts with
 * A): on a shared 2-vCPU machine the load drifts by tens of percent within seconds, and only
 * slices this short and interleaved let that drift hit both sides alike.
 *
 * A slice: --workers client loops (the lean client, bench/support/lean-pinlater-client.ts, one
 * connection each) run
 *   1. write: --rounds (Redis) or --mysql-rounds (MySQL) of enqueue(100) → dequeue(100) → ack of
 *      the dequeued jobs (the workload of bench/legacy-redis-gateway.ts); rate = dequeued jobs/s;
 *   2. read, the other validated paths: enqueue 100 (untimed), then --read-rounds of
 *      lookupJobs(those 100 descriptors) → getJobCount(PENDING); rate = calls/s.
 * Prints per repetition each side's rates (its slices added up), p50/p99 per operation and the
 * gateway process's CPU time per job / per call (/proc). Then per backend and phase, each against
 * the target:
 *   - throughput: the after/before ratio of every repetition and their median (the issue's
 *     figure), the median of the ratios of adjacent slices (B A or A B: the least exposed to
 *     drift), and the spread of the "before" rates across repetitions (how far identical code
 *     moves in this run: a ratio inside it is no measurable difference);
 *   - CPU-bound throughput: before/after gateway CPU per job, i.e. the throughput ratio were the
 *     gateway the bottleneck. The checks are CPU work in the gateway, and CPU per job depends less
 *     than a rate on how much CPU other processes leave over (it still moves: on a loaded machine
 *     the gateway's event loop handles fewer requests per wake-up).
 * A note says when the "before" rates spread wider than twice the 2 % margin: the verdicts of
 * that run cannot tell 2 % from noise. Absolute rates swing with the machine; only same-run ratios
 * mean anything. `--after-ref <ref>` equal to the baseline gives an A/A run: how far the ratios
 * stray with no change at all. A/A runs on a 2-vCPU machine at load average 6–14 from other work
 * gave medians (3–5 repetitions) of 0.78–1.79x throughput and 0.84–1.28x CPU-bound: the 2 % target
 * can only be judged on a quiet machine. About 2–3 minutes with the defaults on a quiet machine,
 * more on a loaded one.
 *
 *   npx tsx bench/untrusted-input-overhead.ts [--baseline-ref 8cca3b2] [--after-ref <ref>] [--backends redis,mysql]
 *     [--repeat 3] [--slices 4] [--workers 8] [--rounds 10] [--mysql-rounds 3] [--read-rounds 5]
 *     [--warmup-rounds 2]
 *
 * Needs Redis on 127.0.0.1:6379 and MariaDB on 127.0.0.1:3306 (root, empty password):
 * `bash scripts/services.sh start`.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { addBaselineWorktree, dependenciesChanged, describeWorkingTree, removeBaselineWorktree, resolveCommit } from './support/baseline-worktree';
import { createQueueThrough, startGatewayChild } from './support/gateway-child';
import { exitWithHeaderHelp } from './support/header-help';
import { processCpuSeconds } from './support/cpu-sampler';
import { integerIn } from './support/integer-option';
import { fmtRate, median } from './support/latency';
import { LeanPinLaterClient } from './support/lean-pinlater-client';
import { freshNamespace, type LegacyBackendName } from './support/legacy-namespace';
import { comparePhase, formatRatios, PHASES, spreadOf, verdict, type Phase } from './support/paired-comparison';
import { Tally, alternatingOrder, tallyDetailLines, timedSlice, type SliceTarget } from './support/queue-workload';
import { Teardown } from './support/teardown';

exitWithHeaderHelp(__filename);

const MAIN_TREE = resolve(__dirname, '..');
const DEFAULT_BASELINE_REF = '8cca3b2';
const HOST = '127.0.0.1';
const QUEUE = 'benchq';
const TARGET = 0.98;
const BACKENDS: readonly LegacyBackendName[] = ['redis', 'mysql'];

type Side = 'before' | 'after';
const SIDES: readonly Side[] = ['before', 'after'];

interface Options {
  baselineRef: string;
  afterRef?: string;
  backends: LegacyBackendName[];
  repeat: number;
  slices: number;
  workers: number;
  rounds: number;
  mysqlRounds: number;
  readRounds: number;
  warmupRounds: number;
}

/** A source tree a gateway is started from. */
interface Tree {
  side: Side;
  dir: string;
  label: string;
}

/** One side of a repetition: its gateway, on its own namespace, and the client loops on it. */
interface OpenSide extends SliceTarget {
  close(): Promise<void>;
}

type Pair = Record<Side, Tally>;

const teardown = new Teardown();

// ---------------------------------------------------------------- options

function backendList(raw: string): LegacyBackendName[] {
  const names = [...new Set(raw.split(',').map((s) => s.trim()))];
  const bad = names.filter((n) => !(BACKENDS as readonly string[]).includes(n));
  if (names.length === 0 || bad.length > 0) throw new InvalidArgumentError(`a comma-separated list of ${BACKENDS.join(', ')}`);
  return names as LegacyBackendName[];
}

function parseOptions(): Options {
  return new Command()
    .description('Gateway throughput before/after issue 8 (untrusted-input guards), same run')
    .option('--baseline-ref <ref>', 'git ref of the "before" tree', DEFAULT_BASELINE_REF)
    .option('--after-ref <ref>', 'git ref of the "after" tree (default: this working tree, uncommitted changes included)')
    .option('--backends <list>', 'backends to measure, comma-separated', backendList, [...BACKENDS])
    .option('--repeat <n>', 'repetitions per backend (fresh gateways each); ratios are reported as the median', integerIn(1, 20), 3)
    .option('--slices <n>', 'timed slices per side per repetition, alternating B A A B …', integerIn(1, 50), 4)
    .option('--workers <n>', 'concurrent client loops', integerIn(1, 64), 8)
    .option('--rounds <n>', 'write rounds per loop per slice on Redis', integerIn(1, 1000), 10)
    .option('--mysql-rounds <n>', 'write rounds per loop per slice on MySQL', integerIn(1, 1000), 3)
    .option('--read-rounds <n>', 'lookupJobs + getJobCount rounds per loop per slice', integerIn(1, 1000), 5)
    .option('--warmup-rounds <n>', 'untimed write and read rounds on every gateway first', integerIn(0, 100), 2)
    .parse()
    .opts<Options>();
}

// ---------------------------------------------------------------- sides

/** Fresh namespace, gateway of `tree` on it, the queue, the client loops' connections. */
async function openSide(backend: LegacyBackendName, tree: Tree, opts: Options): Promise<OpenSide> {
  const ns = freshNamespace(backend);
  const drop = teardown.track(() => ns.drop());
  const clients: LeanPinLaterClient[] = [];
  let stopGateway: () => Promise<void> = async () => undefined;
  const close = async (): Promise<void> => {
    await Promise.all(clients.map((c) => c.close()));
    await stopGateway();
    await drop();
  };
  try {
    const gateway = await startGatewayChild(tree.dir, `gateway ${tree.side}`, ns, teardown);
    stopGateway = () => gateway.stop();
    await createQueueThrough(HOST, gateway.port, QUEUE);
    for (let i = 0; i < opts.workers; i++) clients.push(await LeanPinLaterClient.connect(HOST, gateway.port, `bench:untrusted${i}`));
    return { cpuSeconds: () => processCpuSeconds(gateway.pid), clients, close };
  } catch (e) {
    await close();
    throw e;
  }
}

function writeRounds(backend: LegacyBackendName, opts: Options): number {
  return backend === 'redis' ? opts.rounds : opts.mysqlRounds;
}

/** One slice of both phases on one side, with the gateway's CPU time of each. */
function slice(side: OpenSide, rounds: { write: number; read: number }, tally: Tally): Promise<void> {
  return timedSlice(side, QUEUE, rounds, tally);
}

/** Both gateways up at once (the idle one only waits), warmed up, then the alternating slices. */
async function repetition(backend: LegacyBackendName, trees: Record<Side, Tree>, opts: Options, rep: number): Promise<Pair> {
  const open: Partial<Record<Side, OpenSide>> = {};
  try {
    for (const side of SIDES) open[side] = await openSide(backend, trees[side], opts);
    const sides = open as Record<Side, OpenSide>;
    const warmUp = { write: opts.warmupRounds, read: opts.warmupRounds };
    if (opts.warmupRounds > 0) for (const side of SIDES) await slice(sides[side], warmUp, new Tally());
    const timed = { write: writeRounds(backend, opts), read: opts.readRounds };
    const pair: Pair = { before: new Tally(), after: new Tally() };
    for (const side of alternatingOrder<Side>('before', 'after', opts.slices, rep)) await slice(sides[side], timed, pair[side]);
    return pair;
  } finally {
    for (const side of SIDES) await open[side]?.close();
  }
}

// ---------------------------------------------------------------- report

function printSide(backend: LegacyBackendName, rep: number, opts: Options, tree: Tree, t: Tally): void {
  console.log(
    `${backend.padEnd(5)} [${rep}/${opts.repeat}] ${tree.side.padEnd(6)} ${tree.label.padEnd(12)}` +
      `  write ${fmtRate(t.jobsPerSecond).padStart(14)}   read ${Math.round(t.callsPerSecond).toLocaleString('en-US').padStart(6)} calls/s`,
  );
  for (const line of tallyDetailLines(t)) console.log(line);
}

/** (max − min) / median of the "before" rates: how far identical code moves within this run. */
function spread(values: number[]): string {
  const width = spreadOf(values);
  return width === undefined ? 'n/a (one repetition)' : `${(100 * width).toFixed(1)} % across repetitions`;
}

/** Noise wider than twice the margin being measured makes a throughput verdict a coin toss. */
function noiseWarning(beforeRates: number[]): string | undefined {
  const width = spreadOf(beforeRates);
  if (width === undefined) return undefined;
  return width > 2 * (1 - TARGET)
    ? `identical code moved ${(100 * width).toFixed(0)} % between repetitions, far more than the 2 % measured: these verdicts are noise (run on a quiet machine, or raise --repeat)`
    : undefined;
}

function printPhaseSummary(backend: LegacyBackendName, phase: Phase, pairs: Pair[]): void {
  const c = comparePhase(phase, pairs.map((p) => ({ baseline: p.before, candidate: p.after })));
  const m = median(c.throughput);
  const cpuRatio = median(c.cpuBound);
  const indent = ''.padEnd(14);
  console.log(`  ${`${backend} ${phase.name}`.padEnd(12)}throughput ${formatRatios(c.throughput)} → median ${m.toFixed(3)}x   (${verdict(m, TARGET)})`);
  console.log(`${indent}adjacent slices: median ${median(c.slices).toFixed(3)}x of ${c.slices.length}; before rates spread ${spread(c.baselineRates)}`);
  console.log(
    `${indent}CPU-bound    ${formatRatios(c.cpuBound)} → median ${cpuRatio.toFixed(3)}x   (${verdict(cpuRatio, TARGET)})` +
      `  [gateway CPU per ${phase.unit}, before/after; medians ${c.baselineCpu.toFixed(1)} / ${c.candidateCpu.toFixed(1)} µs]`,
  );
  const warning = noiseWarning(c.baselineRates);
  if (warning !== undefined) console.log(`${indent}note: ${warning}`);
}

function printHeader(opts: Options, commit: string, afterCommit: string | undefined): void {
  const after = afterCommit === undefined ? describeWorkingTree(MAIN_TREE) : `${afterCommit.slice(0, 7)} (--after-ref ${opts.afterRef})`;
  console.log(`untrusted-input overhead (issue 8): before = ${commit.slice(0, 7)} (--baseline-ref ${opts.baselineRef}), after = ${after}`);
  console.log(
    `${opts.repeat} repetition(s) per backend, ${opts.slices} slices per side each (B A A B …); a slice = ${opts.workers} loops × ` +
      `${opts.rounds} (Redis) / ${opts.mysqlRounds} (MySQL) rounds of enqueue(100) → dequeue(100) → ack, then ${opts.readRounds} rounds of lookupJobs(100) → getJobCount\n`,
  );
  const depsMoved = [commit, afterCommit].some((c) => c !== undefined && dependenciesChanged(MAIN_TREE, c));
  if (depsMoved) console.log("note: package.json/package-lock.json differ from a worktree's commit; both sides run this tree's node_modules\n");
}

// ---------------------------------------------------------------- main

async function benchBackend(backend: LegacyBackendName, trees: Record<Side, Tree>, opts: Options): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let rep = 1; rep <= opts.repeat; rep++) {
    const pair = await repetition(backend, trees, opts, rep);
    for (const side of SIDES) printSide(backend, rep, opts, trees[side], pair[side]);
    pairs.push(pair);
  }
  return pairs;
}

/** A worktree of `commit`, removed by the teardown (at the end, on an error, or on a signal). */
function worktreeTree(side: Side, commit: string): Tree {
  const worktree = addBaselineWorktree(MAIN_TREE, commit);
  teardown.track(() => removeBaselineWorktree(MAIN_TREE, worktree));
  return { side, dir: worktree.dir, label: commit.slice(0, 7) };
}

async function main(): Promise<void> {
  const opts = parseOptions();
  teardown.exitOnSignals();
  const commit = resolveCommit(MAIN_TREE, opts.baselineRef);
  const afterCommit = opts.afterRef === undefined ? undefined : resolveCommit(MAIN_TREE, opts.afterRef);
  printHeader(opts, commit, afterCommit);
  try {
    const trees: Record<Side, Tree> = {
      before: worktreeTree('before', commit),
      after: afterCommit === undefined ? { side: 'after', dir: MAIN_TREE, label: 'working tree' } : worktreeTree('after', afterCommit),
    };
    const results: [LegacyBackendName, Pair[]][] = [];
    for (const backend of opts.backends) results.push([backend, await benchBackend(backend, trees, opts)]);
    console.log(`\nafter/before per repetition → median (target ≥ ${TARGET}: the checks cost ≤ 2 %):`);
    for (const [backend, pairs] of results) for (const phase of PHASES) printPhaseSummary(backend, phase, pairs);
  } finally {
    await teardown.runAll();
  }
}

teardown.runMain(main);
