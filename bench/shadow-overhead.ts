/**
 * Issue 13 benchmark: what shadow mode costs the client of a queue, measured the way the targets
 * mean it (≤ 10 % throughput loss, p99 + ≤ 1 ms). ONE routing gateway process
 * (`gateway/src/main.ts --routing-config`) in front of a legacy PinLater Redis cluster (a fresh
 * namespace: new shard names on 127.0.0.1:6379) and Pacer (a fresh migrated database), its routing
 * table in a fresh ZooKeeper chroot; ONE queue, switched between the two modes by the operator
 * command as in production (`pinlater-ops shadow start` / `shadow stop`, which also creates and
 * removes the shadow queue in Pacer):
 *   - off: mode legacy, every call answered by the legacy cluster only;
 *   - on:  mode shadow, the same answers, plus the shadow work (enqueues copied to the shadow copy
 *          in Pacer, reads repeated on Pacer and on legacy and compared, the drainer dequeuing and
 *          acking the copies), shed by the gateway when its event loop is busy (shadow settings
 *          maxEventLoopUtilization / copyMaxEventLoopUtilization, defaults 0.7 / 0.9).
 * Each switch waits until the gateway has applied the routing table version that carries it.
 *
 * Pacer topologies (--pacer, default both, one after the other, each with its own gateway):
 *   - broker:   Pacer's dequeue broker in a process of its own (`pacer/src/broker/main.ts --assign
 *               all`), the gateway routing to it (Pacer backend mode static), as up.sh keeps
 *               brokers out of the gateway (up.sh finds them through ZooKeeper; the work per call
 *               is the same);
 *   - embedded: the broker inside the gateway process, so its work lands on the gateway's CPU.
 *
 * Two measurements per topology, each alternating off/on slices (A B B A …, the first mode flipped
 * every cycle, a warm-up slice in each mode first) so that drift in a shared machine hits both:
 *   (a) saturation, closed loop: --workers loops × --rounds of enqueue(100) → dequeue(100) → ack
 *       (jobs/s), then --read-rounds of lookupJobs(100) → getJobCount (calls/s); on/off throughput
 *       per cycle, median against ≥ 0.90x; and how much shadow work was shed (gateway /metrics:
 *       pinlater_shadow_jobs_copied_total per job enqueued, read comparisons per read, tasks dropped);
 *   (b) fixed offered load, open loop: --load (default 0.5) × the shadow-off capacity measured in
 *       (a) in the same run, as rounds of enqueue(100) → dequeue(100) → ack → lookupJobs(100) →
 *       getJobCount started on a schedule over a pool of connections, --open-seconds per slice; p50
 *       and p99 per call on vs off (p99 + ≤ 1 ms), throughput achieved (≥ 0.90x), and the share of
 *       the work shadowed (should be ~100 %: at this load nothing needs shedding).
 * Ratios are medians over cycles or pooled slices of the same run; absolute rates swing with the
 * machine. About 3 minutes per topology with the defaults. Everything started is removed at the
 * end, also on an error or Ctrl-C (processes, config dirs, Redis keys, Pacer databases, chroots).
 * --cpu-prof <dir>: the gateway runs with `node --cpu-prof` and writes its profile there on exit.
 * --shadow <json>: the gateway's shadow settings (routing config `shadow`), e.g. shedding off.
 *
 *   npx tsx bench/shadow-overhead.ts [--pacer both|broker|embedded] [--cycles 3] [--workers 8]
 *     [--rounds 10] [--read-rounds 5] [--load 0.5] [--open-seconds 5] [--open-cycles 3] [--cpu-prof <dir>] [--shadow <json>]
 *
 * Needs Redis, MariaDB and ZooKeeper on their local ports: `bash scripts/services.sh start`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { freshPacerDb } from '../test/integration/pacer-fixtures';
import { routingTable, TEST_OPERATOR, type RoutingTableFixture } from '../test/integration/routing-fixtures';
import { freePort } from '../test/support/free-port';
import { ClusterProcess } from '../test/support/pacer-processes';
import { processCpuSeconds } from './support/cpu-sampler';
import { createQueueThrough, gatewayProperties } from './support/gateway-child';
import { exitWithHeaderHelp } from './support/header-help';
import { integerIn } from './support/integer-option';
import { fmtRate, median, type LatencyRecorder } from './support/latency';
import { LeanPinLaterClient } from './support/lean-pinlater-client';
import { freshNamespace, type LegacyNamespace } from './support/legacy-namespace';
import { OpenLoopTally, openLoopSlice, roundCapacity } from './support/open-loop';
import { formatRatios } from './support/paired-comparison';
import { Tally, alternatingOrder, timedSlice, type SliceTarget } from './support/queue-workload';
import { startRoutingGatewayChild, type RoutingGatewayChild } from './support/routing-gateway-child';
import { countersDelta, NO_COUNTERS, readShadowCounters, shadowShares, type ShadowCounters } from './support/shadow-metrics';
import { Teardown } from './support/teardown';

exitWithHeaderHelp(__filename);

const MAIN_TREE = resolve(__dirname, '..');
const HOST = '127.0.0.1';
const QUEUE = 'benchshadow';
const CLUSTER = 'bench-legacy';
const GATEWAY_ID = 'bench-shadow-gw';
/** The targets: ≤ 10 % throughput loss, p99 + ≤ 1 ms. */
const THROUGHPUT_TARGET = 0.9;
const P99_BUDGET_MS = 1;
const CLI_TIMEOUT_MS = 120_000;
const OPEN_LOOP_CONNECTIONS = 32;

type Mode = 'off' | 'on';
type Topology = 'broker' | 'embedded';
const MODES: readonly Mode[] = ['off', 'on'];

interface Options {
  pacer: 'both' | Topology;
  cycles: number;
  workers: number;
  rounds: number;
  readRounds: number;
  warmupRounds: number;
  load: number;
  openSeconds: number;
  openCycles: number;
  cpuProf?: string;
  shadow?: Record<string, unknown>;
}

/** The system under test: the gateway, its clients, how to switch the queue's mode. */
interface System {
  readonly gateway: RoutingGatewayChild;
  readonly side: SliceTarget;
  readonly pool: LeanPinLaterClient[];
  readonly table: RoutingTableFixture;
  readonly opsConfig: string;
  readonly adminUrl: string;
}

const teardown = new Teardown();

function parseOptions(): Options {
  return new Command()
    .description('Routing gateway throughput and p99 for one queue with shadow mode off vs on, same run (issue 13 benchmark)')
    .addOption(new Option('--pacer <topology>', 'Pacer broker in its own process, in the gateway, or both runs').choices(['both', 'broker', 'embedded']).default('both'))
    .option('--cycles <n>', 'saturation: cycles of one slice per mode (off on, then on off, …)', integerIn(1, 50), 3)
    .option('--workers <n>', 'saturation: concurrent client loops', integerIn(1, 64), 8)
    .option('--rounds <n>', 'saturation: write rounds per loop per slice', integerIn(1, 1000), 10)
    .option('--read-rounds <n>', 'saturation: lookupJobs + getJobCount rounds per loop per slice', integerIn(1, 1000), 5)
    .option('--warmup-rounds <n>', 'saturation: untimed write and read rounds in each mode first', integerIn(0, 100), 2)
    .option('--load <fraction>', 'fixed load: offered load as a share of the shadow-off capacity', (v) => {
      const n = Number(v);
      if (!(n > 0 && n <= 1)) throw new Error('--load must be in (0, 1]');
      return n;
    }, 0.5)
    .option('--open-seconds <n>', 'fixed load: seconds per slice', integerIn(1, 600), 5)
    .option('--open-cycles <n>', 'fixed load: cycles of one slice per mode', integerIn(1, 50), 3)
    .option('--cpu-prof <dir>', 'run the gateway under node --cpu-prof, profiles written to <dir>')
    .option('--shadow <json>', 'the routing config\'s shadow settings, e.g. \'{"maxEventLoopUtilization":1,"copyMaxEventLoopUtilization":1}\' (no shedding)', (v) => JSON.parse(v) as Record<string, unknown>)
    .parse()
    .opts<Options>();
}

// ---------------------------------------------------------------- the system

/** A teardown step of this topology's run, released when the run ends. */
function tracked(steps: Array<() => Promise<void>>, step: () => Promise<void> | void): void {
  steps.push(teardown.track(step));
}

/** Pacer's backend JSON for the topology; the broker process when it has one. */
async function pacerSystem(topology: Topology, steps: Array<() => Promise<void>>): Promise<unknown> {
  const pacerDb = await freshPacerDb();
  tracked(steps, async () => {
    await pacerDb.db.drop();
  });
  const mysql = { ...pacerDb.mysql, connectionLimit: 10 };
  if (topology === 'embedded') return { mode: 'embedded', mysql };
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'pacer/src/broker/main.ts', '--broker-id', 'bench-shadow-broker', '--port', String(port), '--database', pacerDb.db.name,
    '--assign', 'all', '--log-level', 'warn'], { cwd: MAIN_TREE, stdio: ['ignore', 'pipe', 'pipe'] });
  const broker = new ClusterProcess('pacer-broker', child);
  tracked(steps, async () => {
    if (broker.running) broker.signal('SIGKILL');
    await broker.exited();
  });
  await broker.waitFor('listening on', 60_000);
  return { mode: 'static', mysql, brokers: { fallback: `${HOST}:${port}` } };
}

/** The operator command's config: the gateway's systems and table (no gateway id). */
function writeOpsConfig(ns: LegacyNamespace, pacer: unknown, table: RoutingTableFixture, ports: { port: number; adminPort: number }, steps: Array<() => Promise<void>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-shadow-ops-'));
  tracked(steps, () => rmSync(dir, { recursive: true, force: true }));
  const files: Record<string, string> = {
    'backend.json': JSON.stringify(ns.backendJson),
    'cluster.properties': gatewayProperties(ns, ports.port, ports.adminPort),
    'pacer.json': JSON.stringify(pacer),
    'routing.json': JSON.stringify({
      legacyClusters: [{ name: CLUSTER, backend: 'legacy-redis', backendConfig: 'backend.json', properties: 'cluster.properties' }],
      pacer: { backendConfig: 'pacer.json' },
      routing: { zookeeper: table.connectString, defaultDestination: CLUSTER },
    }),
  };
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return join(dir, 'routing.json');
}

async function connectAll(port: number, n: number, prefix: string, steps: Array<() => Promise<void>>): Promise<LeanPinLaterClient[]> {
  const clients: LeanPinLaterClient[] = [];
  tracked(steps, () => Promise.all(clients.map((c) => c.close())).then(() => undefined));
  for (let i = 0; i < n; i++) clients.push(await LeanPinLaterClient.connect(HOST, port, `${prefix}${i}`));
  return clients;
}

async function openSystem(opts: Options, topology: Topology, steps: Array<() => Promise<void>>): Promise<System> {
  const table = await routingTable();
  tracked(steps, () => table.release().then(() => undefined));
  const pacer = await pacerSystem(topology, steps);
  const ns = freshNamespace('redis');
  tracked(steps, () => ns.drop());
  const nodeArgs = opts.cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${resolve(opts.cpuProf, topology)}`];
  const gateway = await startRoutingGatewayChild({ treeDir: MAIN_TREE, name: 'routing gateway', gatewayId: GATEWAY_ID, backend: 'legacy-redis', pacer, nodeArgs, ...(opts.shadow === undefined ? {} : { shadow: opts.shadow }) }, ns, { zookeeper: table.connectString, cluster: CLUSTER }, teardown);
  steps.push(() => gateway.stop());
  const opsConfig = writeOpsConfig(ns, pacer, table, gateway, steps);
  await table.store.write(QUEUE, { mode: 'legacy', legacyCluster: CLUSTER, changedBy: 'bench:shadow-overhead', reason: 'benchmark queue' }, 0);
  await waitApplied(table, await table.store.tableVersion());
  await createQueueThrough(HOST, gateway.port, QUEUE);
  const clients = await connectAll(gateway.port, opts.workers, 'bench:shadow', steps);
  const pool = await connectAll(gateway.port, OPEN_LOOP_CONNECTIONS, 'bench:shadow-open', steps);
  return { gateway, table, opsConfig, pool, adminUrl: `http://${HOST}:${gateway.adminPort}`, side: { clients, cpuSeconds: () => processCpuSeconds(gateway.pid) } };
}

/** Polls the gateway's presence until it serves table version `version` or a newer one. */
async function waitApplied(table: RoutingTableFixture, version: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const me = (await table.store.gateways()).find((p) => p.gatewayId === GATEWAY_ID);
    if (me !== undefined && me.loaded && me.appliedVersion >= version) return;
    if (Date.now() > deadline) throw new Error(`gateway ${GATEWAY_ID} did not apply routing table version ${version}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `pinlater-ops --config <ops> <args> --yes` as the test operator; throws on a non-zero exit. */
function runOps(opsConfig: string, args: readonly string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(MAIN_TREE, 'bin', 'pinlater-ops.cjs'), '--config', opsConfig, ...args, '--yes', '--by', 'bench', '--reason', 'shadow-overhead benchmark'], {
      cwd: MAIN_TREE, env: { ...process.env, PINLATER_ROUTING_CREDENTIAL: TEST_OPERATOR.authText() }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      if (code === 0) resolvePromise();
      else reject(new Error(`pinlater-ops ${args.join(' ')} exited ${code}:\n${out}`));
    });
  });
}

/** Puts the queue in `mode` (shadow start / stop) and waits until the gateway serves it. */
async function switchTo(system: System, mode: Mode): Promise<void> {
  const current = (await system.table.store.read(QUEUE))?.mode;
  const wanted = mode === 'on' ? 'shadow' : 'legacy';
  if (current === wanted) return;
  await runOps(system.opsConfig, ['shadow', mode === 'on' ? 'start' : 'stop', QUEUE]);
  const record = await system.table.store.read(QUEUE);
  if (record?.mode !== wanted) throw new Error(`queue ${QUEUE} is in mode ${record?.mode ?? 'none'} after shadow ${mode === 'on' ? 'start' : 'stop'}`);
  await waitApplied(system.table, await system.table.store.tableVersion());
}

// ---------------------------------------------------------------- (a) saturation, closed loop

interface Shadowed {
  counters: ShadowCounters;
  enqueued: number;
  reads: number;
}

function addShadowed(s: Shadowed, d: ShadowCounters, enqueued: number, reads: number): void {
  const c = s.counters;
  s.counters = {
    jobsCopied: c.jobsCopied + d.jobsCopied, jobsDrained: c.jobsDrained + d.jobsDrained, readsCompared: c.readsCompared + d.readsCompared,
    comparisons: c.comparisons + d.comparisons, dropped: c.dropped + d.dropped, droppedOverloaded: c.droppedOverloaded + d.droppedOverloaded,
  };
  s.enqueued += enqueued;
  s.reads += reads;
}

const emptyShadowed = (): Shadowed => ({ counters: NO_COUNTERS, enqueued: 0, reads: 0 });

/** A saturation slice in `mode`; in mode on, what the gateway shadowed of it. */
async function saturationSlice(system: System, mode: Mode, rounds: { write: number; read: number }, tally: Tally, shadowed: Shadowed): Promise<void> {
  await switchTo(system, mode);
  const [jobs0, calls0] = [tally.jobs, tally.calls];
  const before = await readShadowCounters(system.adminUrl);
  await timedSlice(system.side, QUEUE, rounds, tally);
  // Shadow tasks still running finish their count; a moment for the executor to drain.
  await new Promise((r) => setTimeout(r, 300));
  const d = countersDelta(await readShadowCounters(system.adminUrl), before);
  // The read slice enqueues 100 untimed jobs per loop too.
  if (mode === 'on') addShadowed(shadowed, d, tally.jobs - jobs0 + system.side.clients.length * 100, tally.calls - calls0);
}

async function saturation(system: System, opts: Options): Promise<{ tallies: Record<Mode, Tally>; shadowed: Shadowed }> {
  if (opts.warmupRounds > 0) for (const mode of MODES) await saturationSlice(system, mode, { write: opts.warmupRounds, read: opts.warmupRounds }, new Tally(), emptyShadowed());
  const tallies: Record<Mode, Tally> = { off: new Tally(), on: new Tally() };
  const shadowed = emptyShadowed();
  for (let c = 1; c <= opts.cycles; c++) {
    for (const mode of alternatingOrder<Mode>('off', 'on', 1, c)) {
      const t = tallies[mode];
      await saturationSlice(system, mode, { write: opts.rounds, read: opts.readRounds }, t, shadowed);
      const k = t.writeRates.length - 1;
      console.log(`  (a) cycle ${c}/${opts.cycles}  shadow ${mode.padEnd(3)}  write ${fmtRate(t.writeRates[k] as number).padStart(14)}   read ${Math.round(t.readRates[k] as number).toLocaleString('en-US').padStart(6)} calls/s`);
    }
  }
  return { tallies, shadowed };
}

// ---------------------------------------------------------------- (b) fixed load, open loop

async function fixedLoad(system: System, opts: Options, roundsPerSecond: number): Promise<{ tallies: Record<Mode, OpenLoopTally>; shadowed: Shadowed }> {
  const tallies: Record<Mode, OpenLoopTally> = { off: new OpenLoopTally(), on: new OpenLoopTally() };
  const shadowed = emptyShadowed();
  for (const mode of MODES) {
    await switchTo(system, mode);
    await openLoopSlice(system.pool, QUEUE, roundsPerSecond, 1, new OpenLoopTally()); // warm-up
  }
  for (let c = 1; c <= opts.openCycles; c++) {
    for (const mode of alternatingOrder<Mode>('off', 'on', 1, c)) {
      await switchTo(system, mode);
      const t = tallies[mode];
      const [enq0, reads0] = [t.jobsEnqueued, t.reads];
      const before = await readShadowCounters(system.adminUrl);
      const cpu0 = system.side.cpuSeconds();
      await openLoopSlice(system.pool, QUEUE, roundsPerSecond, opts.openSeconds, t);
      t.cpuSeconds += system.side.cpuSeconds() - cpu0;
      await new Promise((r) => setTimeout(r, 300));
      const d = countersDelta(await readShadowCounters(system.adminUrl), before);
      if (mode === 'on') addShadowed(shadowed, d, t.jobsEnqueued - enq0, t.reads - reads0);
      console.log(`  (b) cycle ${c}/${opts.openCycles}  shadow ${mode.padEnd(3)}  ${fmtRate(t.rates[t.rates.length - 1] as number).padStart(14)}   schedule lag p99 ${t.lag.percentile(99).toFixed(1)} ms`);
    }
  }
  return { tallies, shadowed };
}

// ---------------------------------------------------------------- report

const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

function printShadowed(label: string, s: Shadowed): void {
  const shares = shadowShares(s.counters, s.enqueued, s.reads);
  console.log(`  ${label} shadowed: jobs copied ${pct(shares.copied)} of ${s.enqueued.toLocaleString('en-US')} enqueued, reads compared ${pct(shares.compared)} of ${s.reads.toLocaleString('en-US')}; ` +
    `tasks dropped ${s.counters.dropped.toLocaleString('en-US')} (overloaded ${s.counters.droppedOverloaded.toLocaleString('en-US')}) ≈ ${pct(shares.tasksShed)} of shadow tasks shed`);
}

function printSaturation(tallies: Record<Mode, Tally>, shadowed: Shadowed): void {
  console.log(`\n  (a) saturation, closed loop: shadow on / off (target ≥ ${THROUGHPUT_TARGET.toFixed(2)}x)`);
  for (const [name, rates, unit] of [['write', (t: Tally) => t.writeRates, 'jobs/s'], ['read', (t: Tally) => t.readRates, 'calls/s']] as const) {
    const perCycle = rates(tallies.on).map((r, k) => r / (rates(tallies.off)[k] as number));
    const ratio = median(perCycle);
    console.log(`    ${name.padEnd(6)}${formatRatios(perCycle)} → median ${ratio.toFixed(3)}x   (${verdict(ratio >= THROUGHPUT_TARGET)})   [off median ${Math.round(median(rates(tallies.off))).toLocaleString('en-US')} ${unit}]`);
  }
  const cpu = (t: Tally): string => `${t.cpuMicrosPerJob.toFixed(1)} µs/job, ${t.cpuMicrosPerCall.toFixed(1)} µs/call`;
  console.log(`    gateway CPU off ${cpu(tallies.off)}; on ${cpu(tallies.on)}`);
  printShadowed('  ', shadowed);
}

const OPEN_OPS: ReadonlyArray<readonly [string, (t: OpenLoopTally) => LatencyRecorder]> = [
  ['enqueue', (t) => t.enqueue], ['dequeue', (t) => t.dequeue], ['ack', (t) => t.ack], ['lookupJobs', (t) => t.lookup], ['getJobCount', (t) => t.count],
];

function printFixedLoad(tallies: Record<Mode, OpenLoopTally>, shadowed: Shadowed, offered: number, opts: Options): void {
  console.log(`\n  (b) fixed load, open loop at ${pct(opts.load)} of the shadow-off capacity (${Math.round(offered * 100).toLocaleString('en-US')} jobs/s offered): on vs off`);
  const perCycle = tallies.on.rates.map((r, k) => r / (tallies.off.rates[k] as number));
  const ratio = median(perCycle);
  console.log(`    throughput ${formatRatios(perCycle)} → median ${ratio.toFixed(3)}x   (${verdict(ratio >= THROUGHPUT_TARGET)})   [off ${fmtRate(median(tallies.off.rates))}, on ${fmtRate(median(tallies.on.rates))}]`);
  for (const [name, of] of OPEN_OPS) {
    const [off, on] = [of(tallies.off), of(tallies.on)];
    const delta = on.percentile(99) - off.percentile(99);
    console.log(`    ${name.padEnd(12)} p50 ${off.percentile(50).toFixed(2)} → ${on.percentile(50).toFixed(2)} ms   p99 ${off.percentile(99).toFixed(2)} → ${on.percentile(99).toFixed(2)} ms  ${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(2)} ms   (${verdict(delta <= P99_BUDGET_MS)})`);
  }
  const busy = (t: OpenLoopTally): string => pct(t.cpuSeconds / t.seconds);
  console.log(`    gateway CPU busy (of one core) off ${busy(tallies.off)}, on ${busy(tallies.on)}`);
  console.log(`    schedule lag p99 off ${tallies.off.lag.percentile(99).toFixed(1)} ms, on ${tallies.on.lag.percentile(99).toFixed(1)} ms (large: the load was not carried)`);
  printShadowed('  ', shadowed);
}

async function runTopology(opts: Options, topology: Topology): Promise<void> {
  console.log(`\n=== Pacer ${topology === 'broker' ? 'broker in its own process (static mode, as up.sh keeps it out of the gateway)' : 'embedded in the gateway'} ===`);
  const steps: Array<() => Promise<void>> = [];
  try {
    const system = await openSystem(opts, topology, steps);
    const a = await saturation(system, opts);
    const capacity = roundCapacity(median(a.tallies.off.writeRates), median(a.tallies.off.readRates));
    const b = await fixedLoad(system, opts, opts.load * capacity);
    printSaturation(a.tallies, a.shadowed);
    printFixedLoad(b.tallies, b.shadowed, opts.load * capacity, opts);
    if ((await readShadowCounters(system.adminUrl)).jobsCopied === 0) throw new Error('no job was copied to the shadow queue: shadow mode did not run');
  } finally {
    for (const step of steps.reverse()) await step().catch((e: unknown) => process.stderr.write(`teardown step failed: ${String(e)}\n`));
  }
}

async function main(): Promise<void> {
  const opts = parseOptions();
  teardown.exitOnSignals();
  console.log(`shadow overhead (issue 13): one routing gateway, legacy Redis + Pacer, queue ${QUEUE} switched legacy ↔ shadow by pinlater-ops; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`(a) a slice = ${opts.workers} loops × ${opts.rounds} rounds of enqueue(100) → dequeue(100) → ack, then ${opts.readRounds} rounds of lookupJobs(100) → getJobCount; ${opts.cycles} cycles`);
  console.log(`(b) ${opts.openCycles} cycles of ${opts.openSeconds} s slices at ${pct(opts.load)} of (a)'s shadow-off capacity, ${OPEN_LOOP_CONNECTIONS} connections`);
  try {
    for (const topology of opts.pacer === 'both' ? (['broker', 'embedded'] as const) : [opts.pacer]) await runTopology(opts, topology);
    console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}; absolute rates swing with the machine, only the same-run ratios mean anything.`);
  } finally {
    await teardown.runAll();
  }
}

teardown.runMain(main);
