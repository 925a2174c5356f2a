/**
 * Legacy MySQL throughput on the local MariaDB (127.0.0.1:3306, root), PinLater's exact layout and
 * statements through the real backend:
 *   1. enqueue: batches of 100 jobs through `enqueueJobs` (PinLater: 5 parallel slices, one INSERT
 *      per job);
 *   2. dequeue(limit 100) + success-ack of every job, with 1, 8 and 32 concurrent dequeuers, each
 *      level on its own fresh queue pre-filled with plain multi-row INSERTs.
 * Prints jobs/s per level and the ratio to the 1-dequeuer figure (only ratios within one run mean
 * anything). Bounded: about a minute. Uses a fresh instance id and drops its databases at the end.
 *
 *   npx tsx bench/legacy-mysql-throughput.ts
 */
import { randomInt } from 'node:crypto';
import mysql from 'mysql2/promise';
import { MemoryStats } from '../core/src/interfaces/stats';
import { silentLogger } from '../core/src/logging/logger';
import { systemClock } from '../core/src/util/clock';
import { buildLegacyMysqlBackend } from '../legacy-adapter/src/mysql/create-mysql-backend';
import { PINLATER_MYSQL_DEFAULT_SETTINGS as DEFAULTS } from '../legacy-adapter/src/mysql/mysql-default-settings';
import type { PinLaterBackend } from '../core/src/interfaces/pinlater-backend';
import { exitWithHeaderHelp } from './support/header-help';

exitWithHeaderHelp(__filename);

const HOST = '127.0.0.1';
const PORT = 3306;
const ENQUEUE_JOBS = 10_000;
const ENQUEUE_BUDGET_MS = 20_000;
const LEVELS = [1, 8, 32];
const LEVEL_MS = 8_000;
const PREFILL = 60_000;
const BODY = Buffer.alloc(64, 'x');

async function main(): Promise<void> {
  const instanceId = randomInt(900_000_000, 999_999_999);
  const { backend } = await buildLegacyMysqlBackend({
    backendConfig: { [`benchdb${instanceId}`]: { master: { host: HOST, port: PORT }, user: 'root', passwd: '' } },
    settings: {
      ...DEFAULTS,
      connectionsPerShard: 40, // so the pool is not what limits 32 dequeuers
      monitor: { ...DEFAULTS.monitor, enabled: false },
      mysql: { ...DEFAULTS.mysql, allowedHostnamePrefix: 'benchdb', numDbPerQueue: 1 },
    },
    logger: silentLogger(),
    stats: new MemoryStats(),
    clock: systemClock,
  });
  const raw = await mysql.createConnection({ host: HOST, port: PORT, user: 'root', password: '' });
  const queues: string[] = [];
  try {
    console.log(`legacy MySQL throughput, instance ${instanceId} on ${HOST}:${PORT}`);
    queues.push('bench_enqueue');
    await backend.createQueue('bench_enqueue');
    const enq = await enqueueThroughput(backend);
    console.log(`enqueue (batches of 100): ${fmt(enq)} jobs/s`);
    const results: number[] = [];
    for (const level of LEVELS) {
      const queue = `bench_deq_${level}`;
      queues.push(queue);
      await backend.createQueue(queue);
      await prefill(raw, `plq_${instanceId}_${queue}.jobs_p1`, PREFILL);
      const rate = await dequeueAckThroughput(backend, queue, level);
      results.push(rate);
      const ratio = rate / (results[0] as number);
      console.log(`dequeue(100)+ack, ${String(level).padStart(2)} dequeuer(s): ${fmt(rate)} jobs/s  (x${ratio.toFixed(2)} of 1 dequeuer)`);
    }
  } finally {
    for (const q of queues) await backend.deleteQueue(q).catch(() => undefined);
    await raw.end();
    await backend.close();
  }
}

async function enqueueThroughput(backend: PinLaterBackend): Promise<number> {
  const start = Date.now();
  let done = 0;
  while (done < ENQUEUE_JOBS && Date.now() - start < ENQUEUE_BUDGET_MS) {
    const jobs = Array.from({ length: 100 }, () => ({ body: BODY, priority: 1, attemptsAllowed: 3, customStatus: '' }));
    done += (await backend.enqueueJobs({ queue: 'bench_enqueue', jobs })).length;
  }
  return (done * 1000) / (Date.now() - start);
}

/** Plain multi-row INSERTs with PinLater's columns (what is measured is the dequeue side). */
async function prefill(raw: mysql.Connection, table: string, n: number): Promise<void> {
  const chunk = 1000;
  for (let i = 0; i < n; i += chunk) {
    const rows = Array.from({ length: chunk }, () => [0, 3, 3, '', BODY]);
    await raw.query(
      `INSERT INTO ${table} (state, attempts_allowed, attempts_remaining, custom_status, created_at, run_after, body) VALUES ${rows.map(() => '(?, ?, ?, ?, NOW() - INTERVAL 1 SECOND, NOW() - INTERVAL 1 SECOND, ?)').join(', ')}`,
      rows.flat(),
    );
  }
}

async function dequeueAckThroughput(backend: PinLaterBackend, queue: string, dequeuers: number): Promise<number> {
  const start = Date.now();
  const deadline = start + LEVEL_MS;
  let acked = 0;
  let request = 0;
  const worker = async (w: number) => {
    while (Date.now() < deadline) {
      const claim = `bench:0:${start}:w${w}:${++request}`;
      const { jobs } = await backend.dequeueJobs({ queue, limit: 100, dryRun: false, coverage: 1, claimDescriptor: claim });
      if (jobs.length === 0) return;
      await backend.ackDequeuedJobs({ queue, succeeded: jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] });
      acked += jobs.length;
    }
  };
  await Promise.all(Array.from({ length: dequeuers }, (_v, w) => worker(w)));
  return (acked * 1000) / (Date.now() - start);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
