/**
 * Issue 12 benchmark: what telemetry costs the gateway. In ONE run, five gateway processes
 * (`gateway/src/main.ts`, the legacy Redis backend, each on a fresh namespace: new shard names on
 * 127.0.0.1:6379, deleted afterwards), identical but for their telemetry environment:
 *   - off:     OTEL_SDK_DISABLED=true (no provider, no exporter; `/metrics` answers 404);
 *   - metrics: PINLATER_METRICS_ENABLED=true, no traces endpoint (Prometheus `/metrics` on the
 *              admin port);
 *   - traces:  metrics + OTEL_EXPORTER_OTLP_TRACES_ENDPOINT pointing at a stand-in OTLP/HTTP
 *              receiver in this process (bench/support/otlp-trace-sink.ts: answers 200 `{}`,
 *              discards, counts the spans) with OTEL_TRACES_SAMPLER_ARG=1 (every call sampled);
 *   - sampled: traces at OTEL_TRACES_SAMPLER_ARG=0.1 (no target: shows the cost follows the ratio);
 *   - store:   traces + PINLATER_TRACE_STORE_WORK=summary (a span for each operation's Redis work),
 *              which needs Node 20's AsyncLocalStorage: no target, printed to show that cost
 *              (core/src/telemetry/trace-context.ts).
 * Every OTEL_* variable of this process's environment is left out of the gateways'.
 * Separate processes, so each configuration has its own process-global tracer provider.
 *
 * Load, the same for each: --workers lean-client loops (bench/support/lean-pinlater-client.ts,
 * one connection each) run enqueue(--batch) → dequeue(--batch, acking the jobs of the previous
 * dequeue in the same call: PinLater's piggybacked `jobAckRequest`) for a fixed --seconds per
 * round; the jobs still held at the end are acked untimed. Rate = Thrift calls/s.
 *
 * Order: one warm-up round per gateway, then /metrics is scraped once on each (a series count, to
 * prove metrics are on; 404 on off), then --rounds cycles of one timed round per configuration,
 * interleaved and rotated (off metrics traces, metrics traces off, traces off metrics, …) so that
 * drift in a shared machine's load hits every configuration alike and none always runs first.
 * The idle gateways only wait. Finally the gateways stop (the traces one flushes its last spans)
 * and the sink's span count proves that tracing ran.
 *
 * Prints each round's calls/s, then per configuration: calls/s (median of its rounds), p50/p99 of
 * all its calls (every timed round pooled) and per operation, gateway CPU per call (/proc), and
 * against off: the throughput cost of each cycle (1 − config/off of the same cycle) and their
 * median, judged against the targets (metrics ≤ 3 %, metrics + full tracing ≤ 10 %), the
 * p99 ratio, and the CPU-bound cost (1 − off/config gateway CPU per call: the cost were the gateway
 * the bottleneck; steadier than a rate on a shared machine). A note says when off's own rounds
 * spread wider than twice a target's margin: then that verdict cannot tell the cost from noise.
 * Absolute rates swing with the machine; only same-run ratios mean anything. About 1 minute with
 * the defaults. Everything started is removed at the end, also on an error or Ctrl-C (gateways,
 * their config dirs, Redis keys, the sink).
 *
 *   npx tsx bench/telemetry-overhead.ts [--rounds 3] [--seconds 5] [--warmup-seconds 3] [--workers 8] [--batch 10]
 *
 * Needs Redis on 127.0.0.1:6379: `bash scripts/services.sh start`.
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { freePort } from '../test/support/free-port';
import { processCpuSeconds } from './support/cpu-sampler';
import { createQueueThrough, gatewayProperties, launchGateway } from './support/gateway-child';
import { exitWithHeaderHelp } from './support/header-help';
import { integerIn } from './support/integer-option';
import { LatencyRecorder, median } from './support/latency';
import { LeanPinLaterClient } from './support/lean-pinlater-client';
import { freshNamespace } from './support/legacy-namespace';
import { OtlpTraceSink } from './support/otlp-trace-sink';
import { spreadOf } from './support/paired-comparison';
import { Teardown } from './support/teardown';

exitWithHeaderHelp(__filename);

const MAIN_TREE = resolve(__dirname, '..');
const HOST = '127.0.0.1';
const QUEUE = 'benchq';
const BODY = Buffer.alloc(64, 'x');

type ConfigName = 'off' | 'metrics' | 'traces' | 'sampled' | 'store';

interface TelemetryConfig {
  readonly name: ConfigName;
  readonly label: string;
  /** The bound on the throughput cost against off (a fraction); none for off itself. */
  readonly target?: number;
  /** The gateway's telemetry variables, given the sink's URL. */
  readonly vars: (sinkUrl: string) => Record<string, string>;
}

const CONFIGS: readonly TelemetryConfig[] = [
  { name: 'off', label: 'telemetry off', vars: () => ({ OTEL_SDK_DISABLED: 'true' }) },
  { name: 'metrics', label: 'metrics only', target: 0.03, vars: () => ({ OTEL_SDK_DISABLED: 'false', PINLATER_METRICS_ENABLED: 'true' }) },
  {
    name: 'traces', label: 'metrics + traces (100 %)', target: 0.1,
    vars: (url) => ({ OTEL_SDK_DISABLED: 'false', PINLATER_METRICS_ENABLED: 'true', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url, OTEL_TRACES_SAMPLER_ARG: '1' }),
  },
  // Not configurations the issue bounds: tracing at a production-like sampling ratio (its cost
  // scales with the ratio: unsampled calls make no span), and Redis/MySQL spans, which need Node
  // 20's AsyncLocalStorage,
  // whose cost this row shows (core/src/telemetry/trace-context.ts).
  {
    name: 'sampled', label: 'metrics + traces (10 %)',
    vars: (url) => ({ OTEL_SDK_DISABLED: 'false', PINLATER_METRICS_ENABLED: 'true', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url, OTEL_TRACES_SAMPLER_ARG: '0.1' }),
  },
  {
    name: 'store', label: 'traces + Redis spans',
    vars: (url) => ({ OTEL_SDK_DISABLED: 'false', PINLATER_METRICS_ENABLED: 'true', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url, OTEL_TRACES_SAMPLER_ARG: '1', PINLATER_TRACE_STORE_WORK: 'summary' }),
  },
];

/** Telemetry variables that are not OTEL_*: never inherited from this process. */
const PINLATER_TELEMETRY_VARS = new Set(['PINLATER_METRICS_ENABLED', 'PINLATER_QUEUE_DEPTH_INTERVAL_MS', 'PINLATER_TRACE_STORE_WORK']);

interface Options {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  workers: number;
  batch: number;
}

/** One configuration's gateway, its client loops, and every Thrift call sent to it. */
interface RunningGateway {
  readonly config: TelemetryConfig;
  readonly pid: number;
  readonly adminPort: number;
  readonly clients: LeanPinLaterClient[];
  calls: number;
  stop(): Promise<void>;
}

/** What one configuration did over its timed rounds. */
class Tally {
  readonly all = new LatencyRecorder();
  readonly enqueue = new LatencyRecorder();
  readonly dequeue = new LatencyRecorder();
  readonly rates: number[] = [];
  /** Gateway CPU per call of each round, µs. */
  readonly cpuPerCall: number[] = [];
}

const teardown = new Teardown();

function parseOptions(): Options {
  return new Command()
    .description('Gateway throughput and p99 with telemetry off, metrics only, metrics + traces (issue 12 benchmark)')
    .option('--rounds <n>', 'timed rounds per configuration (interleaved)', integerIn(1, 50), 3)
    .option('--seconds <n>', 'length of a timed round', integerIn(1, 600), 5)
    .option('--warmup-seconds <n>', 'length of the untimed warm-up round on each gateway (0: none)', integerIn(0, 600), 3)
    .option('--workers <n>', 'concurrent client loops (one connection each)', integerIn(1, 64), 8)
    .option('--batch <n>', 'jobs per enqueue, and dequeue limit', integerIn(1, 1000), 10)
    .parse()
    .opts<Options>();
}

// ---------------------------------------------------------------- gateways

/** This process's environment without any telemetry variable, plus `vars`. */
function gatewayEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_') && !PINLATER_TELEMETRY_VARS.has(k));
  return { ...Object.fromEntries(inherited), ...vars };
}

/** A fresh namespace, the configuration's gateway on it, the queue, the client loops' connections. */
async function startGateway(config: TelemetryConfig, sink: OtlpTraceSink, opts: Options): Promise<RunningGateway> {
  const ns = freshNamespace('redis');
  const drop = teardown.track(() => ns.drop());
  const [port, adminPort] = [await freePort(), await freePort()];
  const files = { 'backend.json': JSON.stringify(ns.backendJson), 'server.properties': gatewayProperties(ns, port, adminPort) };
  const args = (dir: string): string[] => ['--properties', join(dir, 'server.properties'), '--backend-config', join(dir, 'backend.json')];
  const clients: LeanPinLaterClient[] = [];
  let stopGateway: () => Promise<void> = async () => undefined;
  const stop = async (): Promise<void> => {
    await Promise.all(clients.map((c) => c.close()));
    await stopGateway();
    await drop();
  };
  const release = teardown.track(stop);
  try {
    const env = gatewayEnv(config.vars(sink.url));
    const launched = await launchGateway({ treeDir: MAIN_TREE, name: `gateway ${config.name}`, dirPrefix: 'bench-telemetry-gateway-', files, args, port, env }, teardown);
    stopGateway = launched.stop;
    await createQueueThrough(HOST, port, QUEUE);
    for (let i = 0; i < opts.workers; i++) clients.push(await LeanPinLaterClient.connect(HOST, port, `bench:telemetry${i}`));
    return { config, pid: launched.pid, adminPort, clients, calls: 1, stop: release };
  } catch (e) {
    await release();
    throw e;
  }
}

/** GET /metrics once: its status and, on 200, the number of series (sample lines). */
async function scrapeMetrics(gateway: RunningGateway): Promise<string> {
  const res = await fetch(`http://${HOST}:${gateway.adminPort}/metrics`);
  const text = await res.text();
  const series = text.split('\n').filter((l) => l.length > 0 && !l.startsWith('#')).length;
  const expected = gateway.config.name === 'off' ? 404 : 200;
  if (res.status !== expected) throw new Error(`${gateway.config.name}: /metrics answered ${res.status}, expected ${expected}`);
  return res.status === 200 ? `200, ${series} series` : `${res.status} (no metrics)`;
}

// ---------------------------------------------------------------- load

/** Times one call into the per-operation recorder and the all-calls one. */
async function timed<T>(op: LatencyRecorder, all: LatencyRecorder, fn: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  const result = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  op.add(ms);
  all.add(ms);
  return result;
}

interface LoopResult {
  /** Calls made before the deadline, and when the last of them returned. */
  readonly timed: number;
  readonly end: bigint;
  /** Every call, the final ack included. */
  readonly all: number;
}

/** One client loop until `deadline`, then acks (untimed) what it still holds. */
async function clientLoop(client: LeanPinLaterClient, deadline: bigint, batch: number, tally: Tally): Promise<LoopResult> {
  const bodies = Array.from({ length: batch }, () => BODY);
  let held: string[] = [];
  let calls = 0;
  while (process.hrtime.bigint() < deadline) {
    await timed(tally.enqueue, tally.all, () => client.enqueue(QUEUE, bodies));
    held = await timed(tally.dequeue, tally.all, () => client.dequeue(QUEUE, batch, held));
    calls += 2;
  }
  const end = process.hrtime.bigint();
  if (held.length > 0) await client.ack(QUEUE, held);
  return { timed: calls, end, all: calls + (held.length > 0 ? 1 : 0) };
}

/** One round of `seconds` on `gateway`; into `tally` unless it is a warm-up. */
async function round(gateway: RunningGateway, seconds: number, batch: number, tally = new Tally()): Promise<{ rate: number; cpuPerCall: number }> {
  const cpu0 = processCpuSeconds(gateway.pid);
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(seconds) * 1_000_000_000n;
  const perLoop = await Promise.all(gateway.clients.map((c) => clientLoop(c, deadline, batch, tally)));
  const end = perLoop.reduce((max, l) => (l.end > max ? l.end : max), start);
  const elapsed = Number(end - start) / 1e9;
  const calls = perLoop.reduce((n, l) => n + l.timed, 0);
  gateway.calls += perLoop.reduce((n, l) => n + l.all, 0);
  if (calls === 0) throw new Error(`${gateway.config.name}: no call completed in the round`);
  const result = { rate: calls / elapsed, cpuPerCall: (1e6 * (processCpuSeconds(gateway.pid) - cpu0)) / calls };
  tally.rates.push(result.rate);
  tally.cpuPerCall.push(result.cpuPerCall);
  return result;
}

/** Cycle `c` (0-based) runs the configurations rotated by c: off metrics traces, metrics traces off, … */
function cycleOrder<T>(items: readonly T[], c: number): T[] {
  return items.map((_v, i) => items[(i + c) % items.length] as T);
}

// ---------------------------------------------------------------- report

function pct(fraction: number): string {
  return `${(100 * fraction).toFixed(1)} %`;
}

function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

function printConfig(config: TelemetryConfig, t: Tally): void {
  console.log(
    `  ${config.label.padEnd(26)} ${Math.round(median(t.rates)).toLocaleString('en-US').padStart(7)} calls/s` +
      `   p50/p99 all calls ${ms(t.all.percentile(50))} / ${ms(t.all.percentile(99))}` +
      `   (enqueue ${ms(t.enqueue.percentile(99))}, dequeue+ack ${ms(t.dequeue.percentile(99))} p99)` +
      `   gateway CPU ${median(t.cpuPerCall).toFixed(1)} µs/call`,
  );
}

function verdict(cost: number, target: number | undefined): string {
  if (target === undefined) return 'no target: for comparison';
  return `target ≤ ${pct(target)}: ${cost <= target ? 'met' : 'NOT met'}`;
}

function printAgainstOff(config: TelemetryConfig, t: Tally, off: Tally): void {
  const costs = t.rates.map((r, c) => 1 - r / (off.rates[c] as number));
  const cost = median(costs);
  const cpuCost = 1 - median(off.cpuPerCall) / median(t.cpuPerCall);
  const indent = ''.padEnd(30);
  console.log(`  ${config.label.padEnd(28)}throughput cost per cycle ${costs.map(pct).join(', ')} → median ${pct(cost)}   (${verdict(cost, config.target)})`);
  console.log(`${indent}p99 ${ms(t.all.percentile(99))} vs ${ms(off.all.percentile(99))} → ${(t.all.percentile(99) / off.all.percentile(99)).toFixed(2)}x`);
  console.log(`${indent}CPU-bound cost ${pct(cpuCost)}   (${verdict(cpuCost, config.target)})  [gateway CPU per call ${median(t.cpuPerCall).toFixed(1)} vs ${median(off.cpuPerCall).toFixed(1)} µs]`);
}

/** Noise wider than twice a margin makes that verdict a coin toss: says which verdicts of this run are. */
function printNoiseNote(off: Tally): void {
  const spread = spreadOf(off.rates);
  if (spread === undefined) return;
  const drowned = CONFIGS.filter((c) => c.target !== undefined && spread > 2 * c.target).map((c) => `${c.label} (${pct(c.target as number)})`);
  const verdicts = drowned.length === 0 ? '' : `: wider than twice the margin of ${drowned.join(' and ')}, so those throughput verdicts are noise in this run (quiet machine, or more --rounds)`;
  console.log(`\n  off's own rounds spread ${pct(spread)} (max − min over median)${verdicts}.`);
}

function printProof(proof: string[], sink: OtlpTraceSink, traced: RunningGateway): void {
  console.log('\nproof that each configuration is what it claims:');
  for (const line of proof) console.log(`  ${line}`);
  const check = sink.check === undefined ? 'no export' : `first export: ${sink.check.counted} counted, ${sink.check.parsed} parsed`;
  console.log(`  traces: the OTLP sink received ${sink.spans.toLocaleString('en-US')} spans in ${sink.exports} exports (${(sink.spans / traced.calls).toFixed(1)} per Thrift call sent to that gateway; ${check}; ${sink.refused} refused)`);
  if (sink.spans === 0 || sink.refused > 0 || sink.check?.counted !== sink.check?.parsed) throw new Error('tracing did not demonstrably run: see the line above');
}

// ---------------------------------------------------------------- main

async function warmUpAndScrape(gateways: RunningGateway[], opts: Options): Promise<string[]> {
  for (const g of gateways) if (opts.warmupSeconds > 0) await round(g, opts.warmupSeconds, opts.batch);
  const proof: string[] = [];
  for (const g of gateways) proof.push(`${g.config.name}: /metrics → ${await scrapeMetrics(g)}`);
  return proof;
}

async function timedRounds(gateways: RunningGateway[], opts: Options): Promise<Map<ConfigName, Tally>> {
  const tallies = new Map(gateways.map((g) => [g.config.name, new Tally()]));
  for (let c = 0; c < opts.rounds; c++) {
    for (const g of cycleOrder(gateways, c)) {
      const r = await round(g, opts.seconds, opts.batch, tallies.get(g.config.name));
      console.log(`  cycle ${c + 1}/${opts.rounds}  ${g.config.name.padEnd(8)} ${Math.round(r.rate).toLocaleString('en-US').padStart(7)} calls/s   gateway CPU ${r.cpuPerCall.toFixed(1)} µs/call`);
    }
  }
  return tallies;
}

function printHeader(opts: Options): void {
  console.log('telemetry overhead (issue 12): three gateway processes on the legacy Redis backend (127.0.0.1:6379), same load each');
  console.log(
    `${opts.workers} client loops × enqueue(${opts.batch}) → dequeue(${opts.batch}) with piggybacked ack, ${opts.seconds} s rounds, ` +
      `${opts.rounds} per configuration interleaved and rotated, warm-up ${opts.warmupSeconds} s each; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`,
  );
}

async function main(): Promise<void> {
  const opts = parseOptions();
  teardown.exitOnSignals();
  printHeader(opts);
  const sink = await OtlpTraceSink.start(HOST);
  teardown.track(() => sink.close());
  try {
    const gateways: RunningGateway[] = [];
    for (const config of CONFIGS) gateways.push(await startGateway(config, sink, opts));
    const proof = await warmUpAndScrape(gateways, opts);
    const tallies = await timedRounds(gateways, opts);
    for (const g of gateways) await g.stop(); // the traces gateway flushes its last spans on the way out
    console.log(`\nper configuration (calls/s: median of ${opts.rounds} round(s); latencies: every timed call pooled):`);
    for (const config of CONFIGS) printConfig(config, tallies.get(config.name) as Tally);
    const off = tallies.get('off') as Tally;
    console.log('\nagainst off (cost = 1 − config/off of the same cycle; CPU-bound = 1 − off/config gateway CPU per call):');
    for (const config of CONFIGS) if (config.name !== 'off') printAgainstOff(config, tallies.get(config.name) as Tally, off);
    printNoiseNote(off);
    printProof(proof, sink, gateways.find((g) => g.config.name === 'traces') as RunningGateway);
    console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}; absolute rates swing with the machine, only the same-run ratios mean anything.`);
  } finally {
    await teardown.runAll();
  }
}

teardown.runMain(main);
