/**
 * Issue 14 benchmark: end-to-end throughput of no-op jobs worked by the worker SDK
 * (pacer/src/worker-sdk/), with 1, 4 and 16 workers, through three paths measured in ONE run:
 *
 *   - pacer:        SDK workers → routing gateway → Pacer (a dequeue broker in its own process,
 *                   static mode `--assign all`, on a fresh migrated database);
 *   - legacy-redis: SDK workers → the same routing gateway → the legacy PinLater Redis layout (a
 *                   fresh namespace: new shard names on 127.0.0.1:6379);
 *   - bullmq:       BullMQ workers (bullmq, devDependency) on the same Redis, a fresh key prefix.
 *
 * The routing gateway (`gateway/src/main.ts --routing-config`, bench/support/routing-gateway-child.ts)
 * routes one queue to each system by its record in a fresh ZooKeeper routing table. A worker is one
 * SDK `Worker` (its own Thrift connection, `--concurrency` jobs in flight, SDK defaults otherwise:
 * acks piggybacked on the next dequeue) or one BullMQ `Worker` (its own Redis connections, the same
 * concurrency), all in this process, so every path pays the same client CPU on the same machine.
 *
 * First each path works 300 jobs with 4 workers, untimed (warm-up). A measurement: --jobs no-op jobs enqueued first (untimed: through the gateway in batches of 500,
 * or BullMQ addBulk), then the workers start; the clock stops when every job is done: acked to the
 * gateway (SDK: the gateway accepted its ack) or completed (BullMQ: its `completed` event, the job
 * moved to completed in Redis). jobs/s = jobs / that time. Afterwards the store is checked: every
 * job SUCCEEDED (getJobCount) or completed (BullMQ). The three paths run in turn for each worker
 * count, their order rotated per repetition; the figures are medians over repetitions, and the
 * ratios pacer/legacy-redis, pacer/bullmq and legacy-redis/bullmq are taken within the run (only
 * those mean anything; absolute rates swing with the machine). Also printed: the gateway's and the
 * broker's CPU per 1,000 jobs (/proc), where the cost of each SDK path sits.
 *
 *   npx tsx bench/worker-throughput.ts [--workers 1,4,16] [--jobs 3000] [--concurrency 10] [--repeat 3]
 *   npx tsx bench/worker-throughput.ts --quick          # 600 jobs, one repetition: about a minute
 *
 * Needs Redis :6379, MariaDB :3306 and ZooKeeper :2181 (`bash scripts/services.sh start`).
 * Everything it starts is removed at the end, also on an error or Ctrl-C (processes, config dirs,
 * Redis keys of its shards and BullMQ prefix, the Pacer database, the ZooKeeper chroot).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker as BullWorker } from 'bullmq';
import { Command, InvalidArgumentError } from 'commander';
import { createClient } from 'redis';
import { silentLogger } from '../core/src/logging/logger';
import { createWorker, type Worker } from '../pacer/src/worker-sdk';
import { ConformanceClient, JobState } from '../test/conformance/harness/conformance-client';
import { freshPacerDb } from '../test/integration/pacer-fixtures';
import { routingTable, type RoutingTableFixture } from '../test/integration/routing-fixtures';
import { freePort } from '../test/support/free-port';
import { ClusterProcess } from '../test/support/pacer-processes';
import { processCpuSeconds } from './support/cpu-sampler';
import { createQueueThrough } from './support/gateway-child';
import { exitWithHeaderHelp } from './support/header-help';
import { integerIn } from './support/integer-option';
import { fmtRate, median } from './support/latency';
import { freshNamespace } from './support/legacy-namespace';
import { startRoutingGatewayChild, type RoutingGatewayChild } from './support/routing-gateway-child';
import { Teardown } from './support/teardown';

exitWithHeaderHelp(__filename);

const MAIN_TREE = resolve(__dirname, '..');
const HOST = '127.0.0.1';
const REDIS_PORT = 6379;
const CLUSTER = 'bench-legacy';
const GATEWAY_ID = 'bench-worker-gw';
const PACER_QUEUE = 'wt_pacer';
const REDIS_QUEUE = 'wt_redis';
const ENQUEUE_BATCH = 500;
/** Each path first works this many jobs with this many workers, untimed (JIT, connection pools, the broker's first reads). */
const WARMUP_JOBS = 300;
const WARMUP_WORKERS = 4;
/** A measurement that does not finish within this is a failure (a lost job, a stuck worker). */
const MEASURE_TIMEOUT_MS = 300_000;

type Path = 'pacer' | 'legacy-redis' | 'bullmq';
const PATHS: readonly Path[] = ['pacer', 'legacy-redis', 'bullmq'];

interface Options {
  workers: number[];
  jobs: number;
  concurrency: number;
  repeat: number;
  quick?: boolean;
}

interface Measurement {
  readonly jobsPerSecond: number;
  /** Gateway and broker CPU seconds per 1,000 jobs (undefined for BullMQ). */
  readonly gatewayCpuPerK?: number;
  readonly brokerCpuPerK?: number;
}

interface System {
  readonly gateway: RoutingGatewayChild;
  readonly broker: ClusterProcess;
  readonly client: ConformanceClient;
  readonly bullPrefix: string;
}

const teardown = new Teardown();

function workerList(raw: string): number[] {
  const list = raw.split(',').map((s) => integerIn(1, 256)(s));
  if (list.length === 0) throw new InvalidArgumentError('a comma-separated list of worker counts, e.g. 1,4,16');
  return list;
}

function parseOptions(): Options {
  const opts = new Command()
    .description('End-to-end no-op job throughput through SDK workers: Pacer vs legacy Redis vs BullMQ, same run (issue 14)')
    .option('--workers <list>', 'worker counts to measure', workerList, [1, 4, 16])
    .option('--jobs <n>', 'jobs per measurement', integerIn(10, 1_000_000), 3000)
    .option('--concurrency <n>', 'jobs in flight per worker (SDK and BullMQ alike)', integerIn(1, 1000), 10)
    .option('--repeat <n>', 'repetitions (path order rotated each time); medians are reported', integerIn(1, 20), 3)
    .option('--quick', 'a short run: 600 jobs per measurement, one repetition')
    .parse()
    .opts<Options>();
  return opts.quick === true ? { ...opts, jobs: 600, repeat: 1 } : opts;
}

// ---------------------------------------------------------------- the system

async function startBroker(): Promise<{ broker: ClusterProcess; pacerJson: unknown }> {
  const db = await freshPacerDb();
  teardown.track(async () => {
    await db.db.drop();
  });
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'pacer/src/broker/main.ts', '--broker-id', 'bench-worker-broker', '--port', String(port), '--database', db.db.name,
    '--assign', 'all', '--log-level', 'warn'], { cwd: MAIN_TREE, stdio: ['ignore', 'pipe', 'pipe'] });
  const broker = new ClusterProcess('pacer-broker', child);
  teardown.track(async () => {
    if (broker.running) broker.signal('SIGKILL');
    await broker.exited();
  });
  await broker.waitFor('listening on', 60_000);
  return { broker, pacerJson: { mode: 'static', mysql: { ...db.mysql, connectionLimit: 10 }, brokers: { fallback: `${HOST}:${port}` } } };
}

async function waitApplied(table: RoutingTableFixture, version: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const me = (await table.store.gateways()).find((p) => p.gatewayId === GATEWAY_ID);
    if (me !== undefined && me.loaded && me.appliedVersion >= version) return;
    if (Date.now() > deadline) throw new Error(`gateway ${GATEWAY_ID} did not apply routing table version ${version}`);
    await sleep(20);
  }
}

async function openSystem(): Promise<System> {
  const table = await routingTable();
  teardown.track(() => table.release().then(() => undefined));
  const { broker, pacerJson } = await startBroker();
  const ns = freshNamespace('redis');
  teardown.track(() => ns.drop());
  const gateway = await startRoutingGatewayChild({ treeDir: MAIN_TREE, name: 'routing gateway', gatewayId: GATEWAY_ID, backend: 'legacy-redis', pacer: pacerJson }, ns, { zookeeper: table.connectString, cluster: CLUSTER }, teardown);
  teardown.track(() => gateway.stop());
  await table.store.write(PACER_QUEUE, { mode: 'pacer', legacyCluster: null, changedBy: 'bench:worker-throughput', reason: 'benchmark queue on Pacer' }, 0);
  await table.store.write(REDIS_QUEUE, { mode: 'legacy', legacyCluster: CLUSTER, changedBy: 'bench:worker-throughput', reason: 'benchmark queue on legacy Redis' }, 0);
  await waitApplied(table, await table.store.tableVersion());
  for (const queue of [PACER_QUEUE, REDIS_QUEUE]) await createQueueThrough(HOST, gateway.port, queue);
  const client = await ConformanceClient.connect({ host: HOST, port: gateway.port }, 'bench:worker-throughput');
  teardown.track(() => client.close());
  const bullPrefix = `bench-wt-${randomBytes(4).toString('hex')}`;
  teardown.track(() => deleteKeys(`${bullPrefix}:*`));
  return { gateway, broker, client, bullPrefix };
}

async function deleteKeys(pattern: string): Promise<void> {
  const redis = createClient({ url: `redis://${HOST}:${REDIS_PORT}` });
  await redis.connect();
  try {
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: pattern, COUNT: 1000 })) keys.push(...batch);
    for (let i = 0; i < keys.length; i += 500) await redis.del(keys.slice(i, i + 500));
  } finally {
    redis.destroy();
  }
}

// ---------------------------------------------------------------- one measurement per path

async function sdkRun(system: System, queue: string, workers: number, opts: Options): Promise<Measurement> {
  const before = await system.client.count({ queue, state: JobState.SUCCEEDED });
  for (let i = 0; i < opts.jobs; i += ENQUEUE_BATCH) {
    await system.client.enqueue(queue, Array.from({ length: Math.min(ENQUEUE_BATCH, opts.jobs - i) }, (_, k) => ({ body: `noop-${i + k}` })));
  }
  const pool: Worker[] = Array.from({ length: workers }, (_, i) => createWorker({
    gateway: { host: HOST, port: system.gateway.port }, queue, concurrency: opts.concurrency, pool: `bench-${i}`, logger: silentLogger(), handler: () => undefined,
  }));
  const acked = (): number => pool.reduce((sum, w) => {
    const c = w.counters.snapshot();
    return sum + c.acksPiggybacked + c.acksSentAlone;
  }, 0);
  const cpu0 = { gateway: processCpuSeconds(system.gateway.pid), broker: processCpuSeconds(system.broker.child.pid ?? 0) };
  const started = performance.now();
  await Promise.all(pool.map((w) => w.start()));
  await until(() => acked() >= opts.jobs, `${queue}: ${opts.jobs} acks`);
  const seconds = (performance.now() - started) / 1000;
  const cpu = { gateway: processCpuSeconds(system.gateway.pid) - cpu0.gateway, broker: processCpuSeconds(system.broker.child.pid ?? 0) - cpu0.broker };
  await Promise.all(pool.map((w) => w.close({ deadlineMs: 5000 })));
  const succeeded = await system.client.count({ queue, state: JobState.SUCCEEDED });
  if (succeeded - before !== opts.jobs) throw new Error(`${queue}: ${succeeded - before} of ${opts.jobs} jobs SUCCEEDED after the run`);
  const perK = (s: number): number => (s / opts.jobs) * 1000;
  return { jobsPerSecond: opts.jobs / seconds, gatewayCpuPerK: perK(cpu.gateway), ...(queue === PACER_QUEUE ? { brokerCpuPerK: perK(cpu.broker) } : {}) };
}

async function bullRun(system: System, run: number, workers: number, opts: Options): Promise<Measurement> {
  const connection = { host: HOST, port: REDIS_PORT };
  const name = `wt_bull_${run}`;
  const queue = new Queue(name, { connection, prefix: system.bullPrefix });
  try {
    for (let i = 0; i < opts.jobs; i += ENQUEUE_BATCH) {
      await queue.addBulk(Array.from({ length: Math.min(ENQUEUE_BATCH, opts.jobs - i) }, (_, k) => ({ name: 'noop', data: { n: i + k } })));
    }
    let completed = 0;
    const pool = Array.from({ length: workers }, () => new BullWorker(name, async () => undefined, { connection, prefix: system.bullPrefix, concurrency: opts.concurrency, autorun: false }));
    for (const w of pool) {
      w.on('completed', () => {
        completed += 1;
      });
    }
    await Promise.all(pool.map((w) => w.waitUntilReady()));
    const started = performance.now();
    const running = pool.map((w) => w.run());
    await until(() => completed >= opts.jobs, `${name}: ${opts.jobs} completed`);
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(pool.map((w) => w.close()));
    await Promise.all(running);
    const done = await queue.getCompletedCount();
    if (done !== opts.jobs) throw new Error(`${name}: ${done} of ${opts.jobs} jobs completed after the run`);
    return { jobsPerSecond: opts.jobs / seconds };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + MEASURE_TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done within ${MEASURE_TIMEOUT_MS} ms: ${what}`);
    await sleep(2);
  }
}

// ---------------------------------------------------------------- the run

type Results = Map<number, Record<Path, Measurement[]>>;

async function measure(system: System, path: Path, workers: number, opts: Options, bullRun0: () => number): Promise<Measurement> {
  return path === 'bullmq' ? bullRun(system, bullRun0(), workers, opts) : sdkRun(system, path === 'pacer' ? PACER_QUEUE : REDIS_QUEUE, workers, opts);
}

async function measureAll(system: System, opts: Options): Promise<Results> {
  const results: Results = new Map(opts.workers.map((n) => [n, { pacer: [], 'legacy-redis': [], bullmq: [] }]));
  let bullRuns = 0;
  const nextBullRun = (): number => bullRuns++;
  const warmup = { ...opts, jobs: Math.min(opts.jobs, WARMUP_JOBS) };
  for (const path of PATHS) await measure(system, path, WARMUP_WORKERS, warmup, nextBullRun);
  console.log(`  warmed up: ${warmup.jobs} jobs with ${WARMUP_WORKERS} workers on each path (not counted)`);
  for (let rep = 0; rep < opts.repeat; rep++) {
    for (const workers of opts.workers) {
      const order = PATHS.map((_, i) => PATHS[(i + rep) % PATHS.length] as Path);
      const line: string[] = [];
      for (const path of order) {
        const m = await measure(system, path, workers, opts, nextBullRun);
        (results.get(workers) as Record<Path, Measurement[]>)[path].push(m);
        line.push(`${path} ${fmtRate(m.jobsPerSecond)}`);
      }
      console.log(`  repetition ${rep + 1}, ${String(workers).padStart(2)} worker(s): ${line.join(' | ')}`);
    }
  }
  return results;
}

function medianOf(ms: readonly Measurement[], pick: (m: Measurement) => number | undefined): number {
  return median(ms.map(pick).filter((v): v is number => v !== undefined));
}

function printSummary(results: Results): void {
  console.log('\nMedians (jobs/s; ratios within this run):');
  const header = ['workers', 'pacer', 'legacy-redis', 'bullmq', 'pacer/legacy', 'pacer/bullmq', 'legacy/bullmq', 'gateway CPU s/1k jobs (pacer, legacy)', 'broker CPU s/1k'];
  const rows = [...results].map(([workers, r]) => {
    const rate = (p: Path): number => medianOf(r[p], (m) => m.jobsPerSecond);
    const x = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
    return [
      String(workers), fmtRate(rate('pacer')), fmtRate(rate('legacy-redis')), fmtRate(rate('bullmq')),
      x(rate('pacer'), rate('legacy-redis')), x(rate('pacer'), rate('bullmq')), x(rate('legacy-redis'), rate('bullmq')),
      `${medianOf(r.pacer, (m) => m.gatewayCpuPerK).toFixed(3)}, ${medianOf(r['legacy-redis'], (m) => m.gatewayCpuPerK).toFixed(3)}`,
      medianOf(r.pacer, (m) => m.brokerCpuPerK).toFixed(3),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  for (const row of [header, ...rows]) console.log(`  ${row.map((c, i) => c.padEnd(widths[i] as number)).join('  ')}`);
}

async function main(): Promise<void> {
  const opts = parseOptions();
  teardown.exitOnSignals();
  console.log(`worker throughput (issue 14): ${opts.jobs} no-op jobs per measurement, workers ${opts.workers.join('/')} × concurrency ${opts.concurrency}, ${opts.repeat} repetition(s); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  try {
    const system = await openSystem();
    console.log(`  routing gateway :${system.gateway.port} (Pacer broker pid ${system.broker.child.pid ?? '?'}), queues ${PACER_QUEUE} → pacer, ${REDIS_QUEUE} → ${CLUSTER}; BullMQ prefix ${system.bullPrefix}`);
    printSummary(await measureAll(system, opts));
    console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}; absolute rates swing with the machine, only the same-run ratios mean anything.`);
  } finally {
    await teardown.runAll();
  }
}

teardown.runMain(main);
