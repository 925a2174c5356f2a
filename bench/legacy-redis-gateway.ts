/**
 * Issue 2 benchmark: enqueue (batches of 100) + dequeue (limit 100) + ack throughput and latency
 *   1. through the gateway (a separate process, real Thrift framed binary over TCP), driven by
 *      a. the npm `thrift` generated client (the one the conformance suite uses), and
 *      b. a lean client built on the gateway's own codec (bench/support/lean-pinlater-client.ts):
 *         same bytes on the wire, far less client CPU, which matters when bench, gateway and
 *         Redis share two cores;
 *   2. directly with our Lua scripts (the same legacy Redis backend, in-process, no Thrift),
 *   3. BullMQ doing the equivalent on the same Redis (addBulk of 100 + a Worker, concurrency 100).
 * Prints jobs/s, p50/p99 per operation, the CPU each process used during each phase, and the
 * ratios gateway/direct (target ≥ 0.85) and gateway/BullMQ (target ≥ 1.0) per repetition and
 * their median. Absolute numbers swing with the machine; only the ratios matter.
 *
 *   npx tsx bench/legacy-redis-gateway.ts [--workers 8] [--rounds 25] [--repeat 2] [--cpu-prof <dir>]
 *
 * `--cpu-prof <dir>` writes a V8 CPU profile of the gateway process into <dir> (open it in Chrome
 * DevTools or speedscope).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { Queue, Worker } from 'bullmq';
import { createClient } from 'redis';
import { MemoryStats } from '../core/src/interfaces/stats';
import type { PinLaterBackend } from '../core/src/interfaces/pinlater-backend';
import { silentLogger } from '../core/src/logging/logger';
import { DEFAULT_LEGACY_SETTINGS } from '../core/src/types/legacy-backend-options';
import { systemClock } from '../core/src/util/clock';
import { createLegacyRedisBackend } from '../legacy-adapter/index';
import { ConformanceClient } from '../test/conformance/harness/conformance-client';
import { freePort } from '../test/support/free-port';
import { startTsProcess, stopProcess, waitForPort } from './support/child-process';
import { CpuSampler, formatCpu, type CpuReport } from './support/cpu-sampler';
import { LatencyRecorder, fmtRate, median } from './support/latency';
import { LeanPinLaterClient } from './support/lean-pinlater-client';
import { exitWithHeaderHelp } from './support/header-help';

exitWithHeaderHelp(__filename);

interface Options {
  workers: number;
  rounds: number;
  repeat: number;
  cpuProf?: string;
}

interface Result {
  name: string;
  jobsPerSecond: number;
  enqueue: LatencyRecorder;
  dequeue: LatencyRecorder;
  ack: LatencyRecorder;
  cpu?: CpuReport;
}

/** The three operations a PinLater worker loop needs, whatever carries them. */
interface QueueOps {
  enqueue(bodies: Buffer[]): Promise<void>;
  dequeue(limit: number): Promise<string[]>;
  ack(descriptors: string[]): Promise<void>;
}

const BATCH = 100;
const QUEUE = 'benchq';
const LEAN_QUEUE = 'benchqlean';

function shardNames(): string[] {
  const base = `b${randomBytes(3).toString('hex')}`;
  return [`${base}a`, `${base}b`, `${base}c`];
}

function redisBackendJson(shards: string[]): unknown {
  return { shards: shards.map((name) => ({ name, shardConfig: { master: { host: '127.0.0.1', port: 6379 }, dequeueOnly: false } })) };
}

async function runWorkload(name: string, opsPerWorker: QueueOps[], rounds: number, cpu?: CpuSampler): Promise<Result> {
  const result: Result = { name, jobsPerSecond: 0, enqueue: new LatencyRecorder(), dequeue: new LatencyRecorder(), ack: new LatencyRecorder() };
  const body = Buffer.alloc(64, 'x');
  let processed = 0;
  cpu?.start();
  const start = process.hrtime.bigint();
  await Promise.all(
    opsPerWorker.map(async (ops) => {
      for (let r = 0; r < rounds; r++) {
        await result.enqueue.time(() => ops.enqueue(Array.from({ length: BATCH }, () => body)));
        const got = await result.dequeue.time(() => ops.dequeue(BATCH));
        await result.ack.time(() => ops.ack(got));
        processed += got.length;
      }
    }),
  );
  result.jobsPerSecond = processed / (Number(process.hrtime.bigint() - start) / 1e9);
  result.cpu = cpu?.stop();
  return result;
}

function backendOps(backend: PinLaterBackend, worker: number): QueueOps {
  let n = 0;
  return {
    enqueue: async (bodies) => {
      await backend.enqueueJobs({ queue: QUEUE, jobs: bodies.map((b) => ({ body: b, priority: 1, attemptsAllowed: 2, customStatus: '' })) });
    },
    dequeue: async (limit) => {
      const r = await backend.dequeueJobs({ queue: QUEUE, limit, dryRun: false, coverage: 1, claimDescriptor: `bench:0:0:w${worker}:${++n}` });
      return r.jobs.map((j) => j.descriptor);
    },
    ack: (descriptors) =>
      backend.ackDequeuedJobs({ queue: QUEUE, succeeded: descriptors.map((d) => ({ descriptor: d, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] }),
  };
}

function thriftClientOps(client: ConformanceClient, queue: string): QueueOps {
  return {
    enqueue: async (bodies) => {
      await client.enqueue(queue, bodies.map((b) => ({ body: b })));
    },
    dequeue: async (limit) => Object.keys((await client.dequeue({ queue, limit })).jobs ?? {}),
    ack: (descriptors) => client.ack({ queue, succeeded: descriptors.map((d) => ({ descriptor: d })) }),
  };
}

function leanClientOps(client: LeanPinLaterClient, queue: string): QueueOps {
  return {
    enqueue: async (bodies) => {
      await client.enqueue(queue, bodies);
    },
    dequeue: (limit) => client.dequeue(queue, limit),
    ack: (descriptors) => client.ack(queue, descriptors),
  };
}

let redisPidCache: number | undefined;

/** The local redis-server's pid (INFO server), for the CPU note. */
async function redisPid(): Promise<number> {
  if (redisPidCache !== undefined) return redisPidCache;
  const client = createClient({ url: 'redis://127.0.0.1:6379' });
  await client.connect();
  try {
    const info = await client.info('server');
    redisPidCache = Number(/process_id:(\d+)/.exec(info)?.[1] ?? Number.NaN);
    return redisPidCache;
  } finally {
    client.destroy();
  }
}

async function benchDirect(opts: Options, shards: string[]): Promise<Result> {
  const backend = await createLegacyRedisBackend({
    backendConfig: redisBackendJson(shards),
    settings: { ...DEFAULT_LEGACY_SETTINGS, monitor: { ...DEFAULT_LEGACY_SETTINGS.monitor, enabled: false } },
    logger: silentLogger(),
    stats: new MemoryStats(),
    clock: systemClock,
  });
  try {
    await backend.createQueue(QUEUE);
    const workers = Array.from({ length: opts.workers }, (_, i) => backendOps(backend, i));
    await runWorkload('warm-up', workers, 2);
    const cpu = new CpuSampler({ bench: process.pid, redis: await redisPid() });
    return await runWorkload('direct (Lua, in-process)', workers, opts.rounds, cpu);
  } finally {
    await backend.close();
  }
}

/** One gateway process, driven first by the npm thrift client, then by the lean client. */
async function benchGateway(opts: Options, shards: string[]): Promise<{ thrift: Result; lean: Result }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-gw-'));
  const port = await freePort();
  const adminPort = await freePort();
  writeFileSync(join(dir, 'backend.json'), JSON.stringify(redisBackendJson(shards)));
  writeFileSync(
    join(dir, 'server.properties'),
    [
      'PINLATER_BACKEND=redis',
      `THRIFT_PORT=${port}`,
      `OSTRICH_PORT=${adminPort}`,
      'MAX_CONCURRENT_REQUESTS=5000',
      'SERVER_CONN_MAX_IDLE_TIME_MINUTES=5',
      'NUM_PRIORITY_LEVELS=3',
      'BACKEND_QUERY_PARALLELISM=5',
      'BACKEND_NUM_AUTO_RETRIES=2',
      'BACKEND_CONNECTIONS_PER_SHARD=10',
      'BACKEND_DEQUEUE_CONCURRENCY_PER_QUEUE_PER_SHARD=10',
      'BACKEND_SOCKET_TIMEOUT_SECONDS=5',
      'BACKEND_CONNECTION_MAX_WAIT_MILLIS=5000',
      'BACKEND_MONITOR_JOB_CLAIMED_TIMEOUT_SECONDS=180',
      'BACKEND_MONITOR_JOB_SUCCEEDED_GC_TTL_HOURS=1',
      'BACKEND_MONITOR_JOB_FAILED_GC_TTL_HOURS=2',
      'BACKEND_MONITOR_THREAD_DELAY_SECONDS=120',
      'BACKEND_MONITOR_UPDATE_MAX_SIZE=1000',
      'SERVER_SET_ENABLED=false',
    ].join('\n'),
  );
  const nodeArgs = opts.cpuProf !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`] : [];
  const child = startTsProcess('gateway/src/main.ts', ['--properties', join(dir, 'server.properties'), '--backend-config', join(dir, 'backend.json')], 'gateway', nodeArgs);
  const clients: ConformanceClient[] = [];
  const leanClients: LeanPinLaterClient[] = [];
  try {
    await waitForPort(port);
    for (let i = 0; i < opts.workers; i++) clients.push(await ConformanceClient.connect({ host: '127.0.0.1', port }, `bench:w${i}`));
    for (let i = 0; i < opts.workers; i++) leanClients.push(await LeanPinLaterClient.connect('127.0.0.1', port, `bench:lean${i}`));
    await clients[0]?.createQueue(QUEUE);
    await clients[0]?.createQueue(LEAN_QUEUE);
    const cpu = new CpuSampler({ bench: process.pid, gateway: child.pid ?? Number.NaN, redis: await redisPid() });
    const thriftWorkers = clients.map((c) => thriftClientOps(c, QUEUE));
    await runWorkload('warm-up', thriftWorkers, 2);
    const thrift = await runWorkload('gateway, npm thrift client', thriftWorkers, opts.rounds, cpu);
    const leanWorkers = leanClients.map((c) => leanClientOps(c, LEAN_QUEUE));
    await runWorkload('warm-up', leanWorkers, 2);
    const lean = await runWorkload('gateway, lean client (gateway codec)', leanWorkers, opts.rounds, cpu);
    return { thrift, lean };
  } finally {
    await Promise.all([...clients.map((c) => c.close()), ...leanClients.map((c) => c.close())]);
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchBullmq(opts: Options): Promise<Result> {
  const connection = { host: '127.0.0.1', port: 6379 };
  const name = `bench-${randomBytes(3).toString('hex')}`;
  const queue = new Queue(name, { connection });
  const enqueue = new LatencyRecorder();
  const total = opts.workers * opts.rounds * BATCH;
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => (finish = r));
  const worker = new Worker(name, async () => undefined, { connection, concurrency: 100, autorun: false });
  worker.on('completed', () => {
    if (++done === total) finish();
  });
  let running: Promise<void> | undefined; // worker.run(): resolves when worker.close() below stops it
  try {
    await worker.waitUntilReady();
    const body = 'x'.repeat(64);
    const cpu = new CpuSampler({ bench: process.pid, redis: await redisPid() });
    cpu.start();
    const start = process.hrtime.bigint();
    running = worker.run();
    await Promise.all(
      Array.from({ length: opts.workers }, async () => {
        for (let r = 0; r < opts.rounds; r++) {
          await enqueue.time(() => queue.addBulk(Array.from({ length: BATCH }, () => ({ name: 'j', data: body, opts: { removeOnComplete: true } }))));
        }
      }),
    );
    await finished;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { name: 'BullMQ (addBulk 100 + Worker concurrency 100)', jobsPerSecond: total / seconds, enqueue, dequeue: new LatencyRecorder(), ack: new LatencyRecorder(), cpu: cpu.stop() };
  } finally {
    await worker.close();
    await running;
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

async function cleanupShards(shards: string[]): Promise<void> {
  const client = createClient({ url: 'redis://127.0.0.1:6379' });
  await client.connect();
  try {
    for (const shard of shards) {
      for (const pattern of [`pln_${shard}`, `plj_${shard}_*`, `plq_${shard}_*`, `plh_${shard}_*`]) {
        const keys: string[] = [];
        for await (const batch of client.scanIterator({ MATCH: pattern, COUNT: 1000 })) keys.push(...batch);
        for (let i = 0; i < keys.length; i += 500) await client.del(keys.slice(i, i + 500));
      }
    }
  } finally {
    client.destroy();
  }
}

function print(r: Result): void {
  console.log(`${r.name.padEnd(48)} ${fmtRate(r.jobsPerSecond).padStart(16)}`);
  console.log(`    enqueue(100) ${r.enqueue.summary()}`);
  if (!r.name.startsWith('BullMQ')) {
    console.log(`    dequeue(100) ${r.dequeue.summary()}`);
    console.log(`    ack(100)     ${r.ack.summary()}`);
  }
  if (r.cpu) console.log(`    ${formatCpu(r.cpu, r.jobsPerSecond)}`);
}

interface Repetition {
  thrift: Result;
  lean: Result;
  direct: Result;
  bull: Result;
}

const RATIOS: { label: string; target: number; of: (r: Repetition) => number }[] = [
  { label: 'gateway (npm thrift client) / direct', target: 0.85, of: (r) => r.thrift.jobsPerSecond / r.direct.jobsPerSecond },
  { label: 'gateway (lean client)       / direct', target: 0.85, of: (r) => r.lean.jobsPerSecond / r.direct.jobsPerSecond },
  { label: 'gateway (npm thrift client) / BullMQ', target: 1.0, of: (r) => r.thrift.jobsPerSecond / r.bull.jobsPerSecond },
  { label: 'gateway (lean client)       / BullMQ', target: 1.0, of: (r) => r.lean.jobsPerSecond / r.bull.jobsPerSecond },
];

async function repetition(opts: Options): Promise<Repetition> {
  const directShards = shardNames();
  const gatewayShards = shardNames();
  try {
    const direct = await benchDirect(opts, directShards);
    const { thrift, lean } = await benchGateway(opts, gatewayShards);
    const bull = await benchBullmq(opts);
    return { thrift, lean, direct, bull };
  } finally {
    await cleanupShards([...directShards, ...gatewayShards]);
  }
}

async function main(): Promise<void> {
  const program = new Command()
    .description('Gateway vs direct Lua vs BullMQ on the same Redis (issue 2 benchmark)')
    .option('--workers <n>', 'concurrent client loops', (v) => Number(v), 8)
    .option('--rounds <n>', 'enqueue/dequeue/ack rounds per loop', (v) => Number(v), 25)
    .option('--repeat <n>', 'repetitions of every configuration; ratios are reported as the median', (v) => Number(v), 2)
    .option('--cpu-prof <dir>', 'write a V8 CPU profile of the gateway process into <dir>')
    .parse();
  const opts = program.opts<Options>();
  const reps: Repetition[] = [];
  for (let i = 1; i <= opts.repeat; i++) {
    const rep = await repetition(opts);
    reps.push(rep);
    console.log(`\n[${i}/${opts.repeat}] workers ${opts.workers}, ${opts.rounds} rounds of enqueue(100) → dequeue(100) → ack, 3 shards on 127.0.0.1:6379\n`);
    [rep.thrift, rep.lean, rep.direct, rep.bull].forEach(print);
  }
  console.log(`\nratios (each repetition → median of ${reps.length}):`);
  for (const r of RATIOS) {
    const values = reps.map(r.of);
    const m = median(values);
    console.log(`  ${r.label} = ${values.map((v) => `${v.toFixed(2)}x`).join(', ')} → ${m.toFixed(2)}x   (target ≥ ${r.target.toFixed(2)}${m >= r.target ? ', met' : ', NOT met'})`);
  }
  console.log('\nCPU: bench = this process (client loops, or the in-process backend for direct, or BullMQ queue + worker);');
  console.log('the machine has 2 vCPUs, so 200% is everything; redis-server is single-threaded (100% = saturated).');
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
