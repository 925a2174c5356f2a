/**
 * Issue 16 benchmark: what a queue limit in ZooKeeper costs a gateway's dequeues, and how fast a
 * `queue pause` reaches every gateway (docs/rate-limits.md).
 *
 * (a) Cost of the check. ONE routing gateway process (`gateway/src/main.ts --routing-config`, a
 *     fresh legacy Redis namespace as its one cluster, its routing table in a fresh ZooKeeper
 *     chroot) serves two queues: `benchfree` without a limit (the baseline) and `benchlimited`
 *     with a generous ZooKeeper limit (1e9 jobs/s: every call is checked by the limiter, none is
 *     refused). Both are driven in alternating slices (B A A B …, bench/support/queue-workload.ts)
 *     on the same gateway, so only the queue differs:
 *       1. write: --rounds of enqueue(100) → dequeue(100) → ack per loop; rate = dequeued jobs/s;
 *       2. empty dequeue: --empty-rounds of dequeue(1) of an empty queue per loop (the call where
 *          the check is the largest share of the work); rate = calls/s.
 *     Prints limited/free per repetition and the median (target ≥ 0.98: the check is a map lookup
 *     and a little arithmetic).
 *
 * (b) Pause time. --gateways routing gateway processes (default 3) on one routing table, each
 *     dequeued by a client looping dequeue(1) back to back on `benchpause`. --changes times: the
 *     operator writes the pause (QueueLimitStore.write, the CLI's write), and per gateway the time
 *     from just before the write to that gateway's first DEQUEUE_RATE_LIMITED; then the unpause,
 *     and the time to its first dequeue served again. Then --cli-runs times the real command,
 *     `pinlater-ops queue pause <queue> --yes` in its own process: the time from its start to every
 *     gateway refusing, and to the command's exit (node + tsx start included; it exits once every
 *     gateway's presence says it applied the pause). Prints p50/p99/max.
 *
 * Absolute figures swing with the machine; (a) only means anything as same-run ratios. Everything
 * started is removed at the end, also on an error or Ctrl-C (gateways, config dirs, namespaces,
 * the chroot).
 *
 *   npx tsx bench/queue-limits.ts [--repeat 3] [--slices 4] [--workers 8] [--rounds 10]
 *     [--empty-rounds 200] [--gateways 3] [--changes 20] [--cli-runs 3] [--only cost|pause]
 *
 * Needs Redis :6379 and ZooKeeper :2181: `bash scripts/services.sh start`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ErrorCode } from '../core/src/errors/error-code';
import { QueueLimitStore } from '../migration/src/routing/queue-limit-store';
import { ConformanceClient } from '../test/conformance/harness/conformance-client';
import { routingTable, TEST_OPERATOR, type RoutingTableFixture } from '../test/integration/routing-fixtures';
import { processCpuSeconds } from './support/cpu-sampler';
import { createQueueThrough, gatewayProperties } from './support/gateway-child';
import { exitWithHeaderHelp } from './support/header-help';
import { integerIn } from './support/integer-option';
import { LatencyRecorder, fmtRate, median } from './support/latency';
import { LeanPinLaterClient } from './support/lean-pinlater-client';
import { freshNamespace, type LegacyNamespace } from './support/legacy-namespace';
import { alternatingOrder, Tally, writeSlice } from './support/queue-workload';
import { startRoutingGatewayChild, type RoutingGatewayChild } from './support/routing-gateway-child';
import { Teardown } from './support/teardown';

exitWithHeaderHelp(__filename);

const MAIN_TREE = resolve(__dirname, '..');
const HOST = '127.0.0.1';
const CLUSTER = 'bench-legacy';
const FREE = 'benchfree';
const LIMITED = 'benchlimited';
const EMPTY_FREE = 'benchemptyfree';
const EMPTY_LIMITED = 'benchemptylimited';
const PAUSE_QUEUE = 'benchpause';
const GENEROUS = 1e9;
const TARGET = 0.98;
const APPLY_TIMEOUT_MS = 30_000;

interface Options {
  repeat: number;
  slices: number;
  workers: number;
  rounds: number;
  emptyRounds: number;
  gateways: number;
  changes: number;
  cliRuns: number;
  only?: 'cost' | 'pause';
}

const teardown = new Teardown();

function parseOptions(): Options {
  return new Command()
    .description('Dequeue cost of a ZooKeeper queue limit, and the time from queue pause to every gateway refusing (issue 16)')
    .option('--repeat <n>', 'cost repetitions; ratios are reported as the median', integerIn(1, 20), 3)
    .option('--slices <n>', 'timed slices per queue per repetition, alternating', integerIn(1, 50), 4)
    .option('--workers <n>', 'concurrent client loops', integerIn(1, 64), 8)
    .option('--rounds <n>', 'write rounds per loop per slice', integerIn(1, 1000), 10)
    .option('--empty-rounds <n>', 'empty dequeue(1) calls per loop per slice', integerIn(1, 100_000), 200)
    .option('--gateways <n>', 'routing gateways of the pause part', integerIn(1, 10), 3)
    .option('--changes <n>', 'pause/unpause cycles of the pause part', integerIn(1, 1000), 20)
    .option('--cli-runs <n>', 'runs of the real pinlater-ops queue pause', integerIn(0, 20), 3)
    .addOption(new Option('--only <part>', 'run one part only').choices(['cost', 'pause']))
    .parse()
    .opts<Options>();
}

async function openTable(): Promise<{ table: RoutingTableFixture; limits: QueueLimitStore }> {
  const table = await routingTable();
  teardown.track(() => table.release().then(() => undefined));
  return { table, limits: await QueueLimitStore.open(table.operatorZk, TEST_OPERATOR) };
}

async function startGateways(table: RoutingTableFixture, count: number, prefix: string, ns: LegacyNamespace = freshNamespace('redis')): Promise<RoutingGatewayChild[]> {
  teardown.track(() => ns.drop());
  const gateways: RoutingGatewayChild[] = [];
  for (let i = 1; i <= count; i++) {
    gateways.push(await startRoutingGatewayChild({ treeDir: MAIN_TREE, name: `${prefix} ${i}`, gatewayId: `${prefix}-${i}`, backend: 'legacy-redis' }, ns, { zookeeper: table.connectString, cluster: CLUSTER }, teardown));
  }
  await waitApplied(table, gateways.map((g) => g.gatewayId), 0);
  return gateways;
}

/** Polls the presences until each of `ids` applies limits version `version` or newer. */
async function waitApplied(table: RoutingTableFixture, ids: readonly string[], version: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = new Set((await table.store.gateways()).filter((p) => p.loaded && (p.limitsVersion ?? -1) >= version).map((p) => p.gatewayId));
    if (ids.every((id) => ok.has(id))) return;
    if (Date.now() > deadline) throw new Error(`gateways ${ids.filter((id) => !ok.has(id)).join(', ')} did not apply limits version ${version}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------------------------------------------------------------- (a) cost of the check

interface CostTally {
  readonly write: Tally;
  emptyCalls: number;
  emptySeconds: number;
  readonly emptyRates: number[];
}

const newTally = (): CostTally => ({ write: new Tally(), emptyCalls: 0, emptySeconds: 0, emptyRates: [] });

async function emptySlice(clients: LeanPinLaterClient[], queue: string, rounds: number, tally: CostTally): Promise<void> {
  const start = process.hrtime.bigint();
  await Promise.all(clients.map(async (c) => {
    for (let r = 0; r < rounds; r++) {
      const got = await c.dequeue(queue, 1); // a refusal rejects: the generous limit never refuses
      if (got.length > 0) throw new Error(`${queue} is not empty`);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  tally.emptyCalls += rounds * clients.length;
  tally.emptySeconds += seconds;
  tally.emptyRates.push((rounds * clients.length) / seconds);
}

async function benchCost(table: RoutingTableFixture, limits: QueueLimitStore, opts: Options): Promise<void> {
  console.log(`(a) cost of the check: one routing gateway, ${opts.repeat} repetition(s) × ${opts.slices} alternating slices per queue; ${opts.workers} loops; ` +
    `write = ${opts.rounds} × enqueue(100) → dequeue(100) → ack, empty = ${opts.emptyRounds} × dequeue(1) of an empty queue\n`);
  const [gateway] = await startGateways(table, 1, 'bench-cost');
  if (gateway === undefined) throw new Error('no gateway');
  for (const q of [FREE, LIMITED, EMPTY_FREE, EMPTY_LIMITED]) await createQueueThrough(HOST, gateway.port, q);
  const change = { maxJobsPerSecond: GENEROUS, paused: false, changedBy: 'bench:queue-limits', reason: 'generous limit: every dequeue is checked' };
  await limits.write(LIMITED, change, 0);
  const { limitsVersion } = await limits.write(EMPTY_LIMITED, change, 0);
  await waitApplied(table, [gateway.gatewayId], limitsVersion);
  const clients = await Promise.all(Array.from({ length: opts.workers }, (_v, i) => LeanPinLaterClient.connect(HOST, gateway.port, `bench:cost${i}`)));
  teardown.track(() => Promise.all(clients.map((c) => c.close())).then(() => undefined));
  await writeSlice(clients, FREE, 2, new Tally()); // warm-up, both queues
  await writeSlice(clients, LIMITED, 2, new Tally());
  const writeRatios: number[] = [];
  const emptyRatios: number[] = [];
  const cpu: Record<'free' | 'limited', number> = { free: 0, limited: 0 };
  for (let rep = 1; rep <= opts.repeat; rep++) {
    const t = { free: newTally(), limited: newTally() };
    for (const side of alternatingOrder<'free' | 'limited'>('free', 'limited', opts.slices, rep)) {
      const cpu0 = processCpuSeconds(gateway.pid);
      await writeSlice(clients, side === 'free' ? FREE : LIMITED, opts.rounds, t[side].write);
      await emptySlice(clients, side === 'free' ? EMPTY_FREE : EMPTY_LIMITED, opts.emptyRounds, t[side]);
      cpu[side] += processCpuSeconds(gateway.pid) - cpu0;
    }
    const w = t.limited.write.jobsPerSecond / t.free.write.jobsPerSecond;
    const e = (t.limited.emptyCalls / t.limited.emptySeconds) / (t.free.emptyCalls / t.free.emptySeconds);
    writeRatios.push(w);
    emptyRatios.push(e);
    console.log(`[${rep}/${opts.repeat}] write free ${fmtRate(t.free.write.jobsPerSecond)}  limited ${fmtRate(t.limited.write.jobsPerSecond)}  → ${w.toFixed(3)}x`);
    console.log(`        empty dequeue free ${Math.round(t.free.emptyCalls / t.free.emptySeconds)} calls/s  limited ${Math.round(t.limited.emptyCalls / t.limited.emptySeconds)} calls/s  → ${e.toFixed(3)}x`);
  }
  const verdict = (r: number): string => (r >= TARGET ? 'met' : 'NOT met');
  console.log(`\nlimited/free (target ≥ ${TARGET}):`);
  console.log(`  write          ${writeRatios.map((r) => r.toFixed(3)).join(' ')} → median ${median(writeRatios).toFixed(3)}x (${verdict(median(writeRatios))})`);
  console.log(`  empty dequeue  ${emptyRatios.map((r) => r.toFixed(3)).join(' ')} → median ${median(emptyRatios).toFixed(3)}x (${verdict(median(emptyRatios))})`);
  console.log(`  gateway CPU over all slices: free ${cpu.free.toFixed(2)} s, limited ${cpu.limited.toFixed(2)} s`);
  await gateway.stop();
}

// ---------------------------------------------------------------- (b) pause time

/** A client dequeuing `PAUSE_QUEUE` back to back through one gateway, noting refusals and successes. */
class Poller {
  private running = true;
  private waiters: Array<{ refused: boolean; after: number; resolve: (at: number) => void }> = [];
  private readonly loop: Promise<void>;

  constructor(private readonly client: ConformanceClient) {
    this.loop = this.run();
  }

  /** Resolves with performance.now() of the first answer after `after` that was (not) refused. */
  next(refused: boolean, after: number): Promise<number> {
    return new Promise((resolve) => this.waiters.push({ refused, after, resolve }));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.client.close();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const sent = performance.now();
      let refused = false;
      try {
        await this.client.dequeue({ queue: PAUSE_QUEUE, limit: 1 });
      } catch (e) {
        if ((e as { errorCode?: number }).errorCode !== ErrorCode.DEQUEUE_RATE_LIMITED) throw e;
        refused = true;
      }
      const at = performance.now();
      // An answer counts for a waiter only if its call was sent after the waiter's start.
      this.waiters = this.waiters.filter((w) => {
        if (w.refused !== refused || sent < w.after) return true;
        w.resolve(at);
        return false;
      });
    }
  }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((_r, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function allSee(pollers: readonly Poller[], refused: boolean, start: number, what: string): Promise<number[]> {
  return within(Promise.all(pollers.map((p) => p.next(refused, start))), APPLY_TIMEOUT_MS, what).then((ats) => ats.map((at) => at - start));
}

function printRecorder(label: string, r: LatencyRecorder): void {
  console.log(`  ${label.padEnd(46)} p50 ${r.percentile(50).toFixed(1)} ms  p99 ${r.percentile(99).toFixed(1)} ms  max ${r.percentile(100).toFixed(1)} ms`);
}

/** `pinlater-ops queue pause` in its own process, with the gateways' routing config; resolves when it exited 0. */
async function runCliPause(table: RoutingTableFixture, ns: LegacyNamespace): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-queue-limits-'));
  const removeDir = teardown.track(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'routing.json'), JSON.stringify({
    legacyClusters: [{ name: CLUSTER, backend: 'legacy-redis', backendConfig: 'backend.json', properties: 'cluster.properties' }],
    routing: { zookeeper: table.connectString, defaultDestination: CLUSTER },
  }));
  writeFileSync(join(dir, 'backend.json'), JSON.stringify(ns.backendJson));
  writeFileSync(join(dir, 'cluster.properties'), gatewayProperties(ns, 0, 0));
  writeFileSync(join(dir, 'operator.credential'), `${TEST_OPERATOR.authText()}\n`);
  const env = { ...process.env, PINLATER_ROUTING_CONFIG: join(dir, 'routing.json'), PINLATER_ROUTING_CREDENTIAL_FILE: join(dir, 'operator.credential') };
  try {
    const code = await new Promise<number | null>((resolvePromise, reject) => {
      const child = spawn(process.execPath, [join(MAIN_TREE, 'bin', 'pinlater-ops.cjs'), 'queue', 'pause', PAUSE_QUEUE, '--yes', '--by', 'bench', '--reason', 'bench'], { cwd: MAIN_TREE, env, stdio: ['ignore', 'ignore', 'inherit'] });
      child.once('error', reject);
      child.once('exit', resolvePromise);
    });
    if (code !== 0) throw new Error(`pinlater-ops queue pause exited ${code}`);
    return performance.now();
  } finally {
    await removeDir();
  }
}

async function benchPause(table: RoutingTableFixture, limits: QueueLimitStore, opts: Options): Promise<void> {
  console.log(`\n(b) pause time: ${opts.gateways} routing gateways, each dequeued back to back; ${opts.changes} pause/unpause cycles, ${opts.cliRuns} run(s) of the real command\n`);
  const ns = freshNamespace('redis');
  const gateways = await startGateways(table, opts.gateways, 'bench-pause', ns);
  await createQueueThrough(HOST, (gateways[0] as RoutingGatewayChild).port, PAUSE_QUEUE);
  const pollers = await Promise.all(gateways.map(async (g) => new Poller(await ConformanceClient.connect({ host: HOST, port: g.port }, `bench:poll-${g.gatewayId}`))));
  const stopPollers = teardown.track(() => Promise.all(pollers.map((p) => p.stop())).then(() => undefined));
  const pause = new LatencyRecorder();
  const unpause = new LatencyRecorder();
  let version = 0;
  for (let k = 1; k <= opts.changes; k++) {
    const t0 = performance.now();
    const paused = allSee(pollers, true, t0, `pause ${k}`);
    await limits.write(PAUSE_QUEUE, { maxJobsPerSecond: null, paused: true, changedBy: 'bench', reason: `pause ${k}` }, version);
    for (const ms of await paused) pause.add(ms);
    const t1 = performance.now();
    const served = allSee(pollers, false, t1, `unpause ${k}`);
    await limits.write(PAUSE_QUEUE, null, version + 1);
    for (const ms of await served) unpause.add(ms);
  }
  printRecorder('write → every gateway refusing (pause)', pause);
  printRecorder('write → every gateway serving again (unpause)', unpause);
  const cliRefusing = new LatencyRecorder();
  const cliExit = new LatencyRecorder();
  for (let k = 1; k <= opts.cliRuns; k++) {
    const t0 = performance.now();
    const refusing = allSee(pollers, true, t0, `cli pause ${k}`);
    refusing.catch(() => undefined); // awaited below, unless the command fails first
    const exited = await runCliPause(table, ns);
    const ats = await refusing;
    cliRefusing.add(Math.max(...ats));
    cliExit.add(exited - t0);
    await limits.write(PAUSE_QUEUE, null, 1);
  }
  if (opts.cliRuns > 0) {
    printRecorder('pinlater-ops queue pause start → all refusing', cliRefusing);
    printRecorder('pinlater-ops queue pause start → its exit', cliExit);
  }
  await stopPollers();
  for (const g of gateways) await g.stop();
}

async function main(): Promise<void> {
  const opts = parseOptions();
  teardown.exitOnSignals();
  console.log(`queue limits benchmark (issue 16); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  try {
    const { table, limits } = await openTable();
    if (opts.only !== 'pause') await benchCost(table, limits, opts);
    if (opts.only !== 'cost') await benchPause(table, limits, opts);
  } finally {
    await teardown.runAll();
  }
}

teardown.runMain(main);
