/**
 * Issue 2 benchmark: enqueue (batches of 100) + dequeue (limit 100) + ack throughput and latency
 *   1. through the gateway (a separate process, real Thrift framed binary over TCP),
 *   2. directly with our Lua scripts (the same legacy Redis backend, in-process, no Thrift),
 *   3. BullMQ doing the equivalent on the same Redis (addBulk of 100 + a Worker, concurrency 100).
 * Prints jobs/s, p50/p99 per operation and the ratios gateway/direct (target ≥ 0.85) and
 * gateway/BullMQ (target ≥ 1.0). Absolute numbers swing with the machine; only the ratios matter.
 *
 *   npx tsx bench/legacy-redis-gateway.ts [--workers 8] [--rounds 25]
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
import { freePort, startTsProcess, stopProcess, waitForPort } from './support/child-process';
import { LatencyRecorder, fmtRate, ratio } from './support/latency';

interface Options {
  workers: number;
  rounds: number;
}

interface Result {
  name: string;
  jobsPerSecond: number;
  enqueue: LatencyRecorder;
  dequeue: LatencyRecorder;
  ack: LatencyRecorder;
}

/** The three operations a PinLater worker loop needs, whatever carries them. */
interface QueueOps {
  enqueue(bodies: Buffer[]): Promise<void>;
  dequeue(limit: number): Promise<string[]>;
  ack(descriptors: string[]): Promise<void>;
}

const BATCH = 100;
const QUEUE = 'benchq';

function shardNames(): string[] {
  const base = `b${randomBytes(3).toString('hex')}`;
  return [`${base}a`, `${base}b`, `${base}c`];
}

function redisBackendJson(shards: string[]): unknown {
  return { shards: shards.map((name) => ({ name, shardConfig: { master: { host: '127.0.0.1', port: 6379 }, dequeueOnly: false } })) };
}

async function runWorkload(name: string, opsPerWorker: QueueOps[], rounds: number): Promise<Result> {
  const result: Result = { name, jobsPerSecond: 0, enqueue: new LatencyRecorder(), dequeue: new LatencyRecorder(), ack: new LatencyRecorder() };
  const body = Buffer.alloc(64, 'x');
  let processed = 0;
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

function clientOps(client: ConformanceClient): QueueOps {
  return {
    enqueue: async (bodies) => {
      await client.enqueue(QUEUE, bodies.map((b) => ({ body: b })));
    },
    dequeue: async (limit) => Object.keys((await client.dequeue({ queue: QUEUE, limit })).jobs ?? {}),
    ack: (descriptors) => client.ack({ queue: QUEUE, succeeded: descriptors.map((d) => ({ descriptor: d })) }),
  };
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
    return await runWorkload('direct (Lua, in-process)', workers, opts.rounds);
  } finally {
    await backend.close();
  }
}

async function benchGateway(opts: Options, shards: string[]): Promise<Result> {
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
  const child = startTsProcess('gateway/src/main.ts', ['--properties', join(dir, 'server.properties'), '--backend-config', join(dir, 'backend.json')], 'gateway');
  const clients: ConformanceClient[] = [];
  try {
    await waitForPort(port);
    for (let i = 0; i < opts.workers; i++) clients.push(await ConformanceClient.connect({ host: '127.0.0.1', port }, `bench:w${i}`));
    await clients[0]?.createQueue(QUEUE);
    const workers = clients.map(clientOps);
    await runWorkload('warm-up', workers, 2);
    return await runWorkload('gateway (Thrift, separate process)', workers, opts.rounds);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
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
  try {
    await worker.waitUntilReady();
    const body = 'x'.repeat(64);
    const start = process.hrtime.bigint();
    void worker.run();
    await Promise.all(
      Array.from({ length: opts.workers }, async () => {
        for (let r = 0; r < opts.rounds; r++) {
          await enqueue.time(() => queue.addBulk(Array.from({ length: BATCH }, () => ({ name: 'j', data: body, opts: { removeOnComplete: true } }))));
        }
      }),
    );
    await finished;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { name: 'BullMQ (addBulk 100 + Worker concurrency 100)', jobsPerSecond: total / seconds, enqueue, dequeue: new LatencyRecorder(), ack: new LatencyRecorder() };
  } finally {
    await worker.close();
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
  if (r.name.startsWith('BullMQ')) return;
  console.log(`    dequeue(100) ${r.dequeue.summary()}`);
  console.log(`    ack(100)     ${r.ack.summary()}`);
}

async function main(): Promise<void> {
  const program = new Command()
    .description('Gateway vs direct Lua vs BullMQ on the same Redis (issue 2 benchmark)')
    .option('--workers <n>', 'concurrent client loops', (v) => Number(v), 8)
    .option('--rounds <n>', 'enqueue/dequeue/ack rounds per loop', (v) => Number(v), 25)
    .parse();
  const opts = program.opts<Options>();
  const directShards = shardNames();
  const gatewayShards = shardNames();
  try {
    const direct = await benchDirect(opts, directShards);
    const gateway = await benchGateway(opts, gatewayShards);
    const bull = await benchBullmq(opts);
    console.log(`\nworkers ${opts.workers}, ${opts.rounds} rounds of enqueue(100) → dequeue(100) → ack, 3 shards on 127.0.0.1:6379\n`);
    [gateway, direct, bull].forEach(print);
    console.log(`\ngateway / direct = ${ratio(gateway.jobsPerSecond, direct.jobsPerSecond)}   (target ≥ 0.85)`);
    console.log(`gateway / BullMQ = ${ratio(gateway.jobsPerSecond, bull.jobsPerSecond)}   (target ≥ 1.0)`);
  } finally {
    await cleanupShards([...directShards, ...gatewayShards]);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
