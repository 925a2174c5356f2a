/**
 * Issue 13 benchmark: what the built-in dashboard costs on the gateway's admin port while 1,000
 * queues exist. ONE routing gateway process (`gateway/src/main.ts --routing-config`, metrics on,
 * so the dashboard's samplers and history run as in production) in front of a legacy PinLater
 * Redis cluster (a fresh namespace: new shard names on 127.0.0.1:6379), its routing table in a
 * fresh ZooKeeper chroot. --queues queues are created through the gateway (each gets its routing
 * record) and given one job each, so every queue has a row, a backlog and a mode.
 *
 * Then --rounds rounds, each ONE request to every admin endpoint below, one at a time over a
 * keep-alive connection, in an order rotated every round (so drift and warm caches hit every
 * endpoint alike): `/health` is the baseline (the cheapest answer the admin server gives),
 * against it `/metrics` (Prometheus text of every series, 1,000 queues' included), `/dashboard`
 * (the overview page), `/dashboard/api/overview` (the JSON behind it: default page, and the
 * largest page), `/dashboard/api/queue/<q>` (one queue's charts) and the page's script. Warm-up:
 * --warmup-rounds untimed rounds first.
 *
 * Prints per endpoint: the answer's size, p50/p99/max latency, and p50 and p99 as ratios of
 * /health's (same run); there is no target in the issue, only "the dashboard's cost". Absolute
 * latencies swing with the machine; the ratios are the result. About 1 minute with the defaults.
 * Everything started is removed at the end, also on an error or Ctrl-C (the gateway, its config
 * dir, Redis keys, the chroot).
 *
 *   npx tsx bench/dashboard-cost.ts [--queues 1000] [--rounds 200] [--warmup-rounds 20]
 *
 * Needs Redis and ZooKeeper on their local ports: `bash scripts/services.sh start`.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { MAX_PAGE } from '../gateway/src/dashboard/dashboard-api';
import { ConformanceClient } from '../test/conformance/harness/conformance-client';
import { routingTable, type RoutingTableFixture } from '../test/integration/routing-fixtures';
import { processCpuSeconds } from './support/cpu-sampler';
import { exitWithHeaderHelp } from './support/header-help';
import { integerIn } from './support/integer-option';
import { LatencyRecorder } from './support/latency';
import { freshNamespace } from './support/legacy-namespace';
import { startRoutingGatewayChild, type RoutingGatewayChild } from './support/routing-gateway-child';
import { Teardown } from './support/teardown';

exitWithHeaderHelp(__filename);

const MAIN_TREE = resolve(__dirname, '..');
const HOST = '127.0.0.1';
const CLUSTER = 'bench-legacy';
const GATEWAY_ID = 'bench-dashboard-gw';
const CONNECTIONS = 8;
const READY_TIMEOUT_MS = 120_000;

interface Options {
  queues: number;
  rounds: number;
  warmupRounds: number;
}

interface Endpoint {
  readonly label: string;
  readonly path: string;
  readonly latency: LatencyRecorder;
  bytes: number;
  /** Gateway CPU over this endpoint's timed requests (µs, summed). */
  cpuMicros: number;
}

const teardown = new Teardown();

function parseOptions(): Options {
  return new Command()
    .description("Admin-port request latency of the gateway's built-in dashboard while 1,000 queues exist, as ratios of /health (issue 13 benchmark)")
    .option('--queues <n>', 'queues created through the gateway', integerIn(1, 100_000), 1000)
    .option('--rounds <n>', 'timed rounds (one request to every endpoint each)', integerIn(1, 100_000), 200)
    .option('--warmup-rounds <n>', 'untimed rounds first', integerIn(0, 10_000), 20)
    .parse()
    .opts<Options>();
}

const queueName = (i: number): string => `benchdash_${String(i).padStart(5, '0')}`;

// ---------------------------------------------------------------- the system

async function openGateway(): Promise<{ gateway: RoutingGatewayChild; table: RoutingTableFixture }> {
  const table = await routingTable();
  teardown.track(() => table.release().then(() => undefined));
  const ns = freshNamespace('redis');
  teardown.track(() => ns.drop());
  const env = { ...process.env, PINLATER_METRICS_ENABLED: 'true', OTEL_SDK_DISABLED: 'false' };
  const gateway = await startRoutingGatewayChild({ treeDir: MAIN_TREE, name: 'routing gateway', gatewayId: GATEWAY_ID, backend: 'legacy-redis', env }, ns, { zookeeper: table.connectString, cluster: CLUSTER }, teardown);
  return { gateway, table };
}

/** Creates the queues (and one job in each) over CONNECTIONS connections. */
async function createQueues(port: number, count: number): Promise<void> {
  let next = 0;
  const worker = async (i: number): Promise<void> => {
    const client = await ConformanceClient.connect({ host: HOST, port }, `bench:dashboard${i}`);
    try {
      for (let q = next++; q < count; q = next++) {
        await client.createQueue(queueName(q));
        await client.enqueue(queueName(q), [{ body: `job of ${queueName(q)}` }]);
      }
    } finally {
      await client.close();
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_v, i) => worker(i)));
}

/** Waits until the dashboard's overview lists every queue. */
async function waitListed(adminPort: number, count: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const res = await fetch(`http://${HOST}:${adminPort}/dashboard/api/overview`);
    const total = res.status === 200 ? ((await res.json()) as { queues?: { total?: number } }).queues?.total ?? 0 : 0;
    if (total >= count) return;
    if (Date.now() > deadline) throw new Error(`the dashboard lists ${total} of ${count} queues after ${READY_TIMEOUT_MS} ms (status ${res.status})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

// ---------------------------------------------------------------- measuring

function endpoints(): Endpoint[] {
  const make = (label: string, path: string): Endpoint => ({ label, path, latency: new LatencyRecorder(), bytes: 0, cpuMicros: 0 });
  return [
    make('/health (baseline)', '/health'),
    make('/metrics', '/metrics'),
    make('/dashboard', '/dashboard'),
    make('api/overview (default page)', '/dashboard/api/overview'),
    make(`api/overview (limit ${MAX_PAGE})`, `/dashboard/api/overview?limit=${MAX_PAGE}`),
    make('api/queue/<q>', `/dashboard/api/queue/${queueName(0)}`),
    make('static/dashboard.js', '/dashboard/static/dashboard.js'),
  ];
}

async function request(adminPort: number, e: Endpoint, pid: number, timed: boolean): Promise<void> {
  const cpu0 = processCpuSeconds(pid);
  const start = process.hrtime.bigint();
  const res = await fetch(`http://${HOST}:${adminPort}${e.path}`);
  const body = await res.arrayBuffer();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 200) throw new Error(`${e.path} answered ${res.status}`);
  if (!timed) return;
  e.latency.add(ms);
  e.bytes = body.byteLength;
  e.cpuMicros += 1e6 * (processCpuSeconds(pid) - cpu0);
}

async function measure(gateway: RoutingGatewayChild, list: Endpoint[], opts: Options): Promise<void> {
  for (let r = 0; r < opts.warmupRounds + opts.rounds; r++) {
    const timed = r >= opts.warmupRounds;
    for (let k = 0; k < list.length; k++) await request(gateway.adminPort, list[(k + r) % list.length] as Endpoint, gateway.pid, timed);
  }
}

function print(list: Endpoint[], rounds: number): void {
  const base = list[0] as Endpoint;
  const [b50, b99] = [base.latency.percentile(50), base.latency.percentile(99)];
  console.log(`\n${'endpoint'.padEnd(30)} ${'bytes'.padStart(10)}   ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}   ${'p50/health'.padStart(10)} ${'p99/health'.padStart(10)}   gateway CPU/request`);
  for (const e of list) {
    const [p50, p99, max] = [e.latency.percentile(50), e.latency.percentile(99), e.latency.percentile(100)];
    console.log(`${e.label.padEnd(30)} ${e.bytes.toLocaleString('en-US').padStart(10)}   ${p50.toFixed(2).padStart(6)}ms ${p99.toFixed(2).padStart(6)}ms ${max.toFixed(2).padStart(6)}ms` +
      `   ${`${(p50 / b50).toFixed(2)}x`.padStart(10)} ${`${(p99 / b99).toFixed(2)}x`.padStart(10)}   ~${(e.cpuMicros / rounds / 1000).toFixed(2)} ms`);
  }
  console.log('\n(gateway CPU per request: /proc deltas around each request, 10 ms clock ticks, so only averages over many rounds mean anything; it includes whatever else the gateway did meanwhile, e.g. its samplers)');
}

async function main(): Promise<void> {
  const opts = parseOptions();
  teardown.exitOnSignals();
  console.log(`dashboard cost (issue 13): one routing gateway (legacy Redis), ${opts.queues.toLocaleString('en-US')} queues; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  try {
    const { gateway } = await openGateway();
    const started = Date.now();
    await createQueues(gateway.port, opts.queues);
    await waitListed(gateway.adminPort, opts.queues);
    console.log(`${opts.queues.toLocaleString('en-US')} queues created (one job each) and listed by the dashboard in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`${opts.rounds} timed rounds (${opts.warmupRounds} warm-up) of one request to each endpoint, sequential, order rotated every round`);
    const list = endpoints();
    await measure(gateway, list, opts);
    print(list, opts.rounds);
    console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}; absolute latencies swing with the machine, the ratios to /health are the result.`);
  } finally {
    await teardown.runAll();
  }
}

teardown.runMain(main);
