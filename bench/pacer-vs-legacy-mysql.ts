/**
 * Pacer vs PinLater's MySQL backend on the same MariaDB, in one run (ratios only mean something
 * within one run; STACK.md). Bounded to well under 3 minutes.
 *
 *   npx tsx bench/pacer-vs-legacy-mysql.ts [--seconds 6]
 *
 * Measures: dequeue+ack throughput with 1 and 32 concurrent dequeuers (limit 10, success acks of
 * each batch), Pacer dequeue latency p50/p99 with warm buffers, enqueue-to-dequeuable latency, and
 * under a trickle workload the fraction of dequeue calls that read MySQL and find nothing.
 * Pacer runs a real broker behind its Thrift service (BrokerServer on 127.0.0.1) in this process.
 */
import mysql from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import type { PinLaterBackend } from '../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../core/src/interfaces/stats';
import { silentLogger } from '../core/src/logging/logger';
import { systemClock } from '../core/src/util/clock';
import { DEFAULT_LEGACY_SETTINGS } from '../core/src/types/legacy-backend-options';
import { createLegacyMysqlBackend } from '../legacy-adapter';
import { BrokerServer, createDequeueBroker, createPacerBackend, StaticPartitionDirectory, type DequeueBroker, type PacerBackend } from '../pacer';
import { migrateDatabase } from '../pacer/src/migrate';

const HOST = '127.0.0.1';
const SECONDS = Number(process.argv[process.argv.indexOf('--seconds') + 1] ?? 6) || 6;
const LIMIT = 10;
const BODY = Buffer.alloc(64, 'x');
let claimCounter = 0;

interface Run { jobs: number; calls: number; emptyCalls: number; seconds: number; latencies: number[] }

async function loop(backend: PinLaterBackend, queue: string, workers: number, seconds: number): Promise<Run> {
  const run: Run = { jobs: 0, calls: 0, emptyCalls: 0, seconds, latencies: [] };
  const deadline = Date.now() + seconds * 1000;
  const start = Date.now();
  await Promise.all(Array.from({ length: workers }, async () => {
    while (Date.now() < deadline) {
      const t0 = process.hrtime.bigint();
      const r = await backend.dequeueJobs({ queue, limit: LIMIT, dryRun: false, coverage: 1, claimDescriptor: `bench:1:1:w:${(claimCounter += 1)}` });
      run.latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      run.calls += 1;
      if (r.jobs.length === 0) {
        run.emptyCalls += 1;
        break; // drained
      }
      await backend.ackDequeuedJobs({ queue, succeeded: r.jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] });
      run.jobs += r.jobs.length;
    }
  }));
  run.seconds = (Date.now() - start) / 1000;
  return run;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function preloadLegacy(db: mysql.Connection, shard: string, queue: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - i) }, () => [0, 2, 2, '', BODY]);
    await db.query(`INSERT INTO plq_${shard}_${queue}.jobs_p1 (state, attempts_allowed, attempts_remaining, custom_status, created_at, run_after, body) ` +
      `SELECT v.s, v.a, v.r, v.c, NOW() - INTERVAL 2 SECOND, NOW() - INTERVAL 2 SECOND, v.b FROM (SELECT 1) d JOIN (${rows.map(() => 'SELECT ? s, ? a, ? r, ? c, ? b').join(' UNION ALL ')}) v`, rows.flat());
  }
}

async function preloadPacer(backend: PacerBackend, queue: string, n: number): Promise<void> {
  for (let i = 0; i < n; i += 500) {
    await backend.enqueueJobs({ queue, jobs: Array.from({ length: Math.min(500, n - i) }, () => ({ body: BODY, priority: 1, attemptsAllowed: 2, customStatus: '' })) });
  }
}

async function main(): Promise<void> {
  const admin = await mysql.createConnection({ host: HOST, port: 3306, user: 'root', password: '' });
  const tag = randomBytes(4).toString('hex');
  const pacerDb = `pacer_bench_${tag}`;
  const instanceId = 700000 + Math.floor(Math.random() * 99999);
  const shard = String(instanceId);
  await migrateDatabase({ host: HOST, port: 3306, user: 'root', password: '', database: pacerDb });
  const legacy = await createLegacyMysqlBackend({
    backendConfig: { [`pinlaterlocaldb${instanceId}`]: { master: { host: HOST, port: 3306 }, slave: { host: HOST, port: 3306 }, user: 'root', passwd: '', dequeueOnly: false } },
    settings: { ...DEFAULT_LEGACY_SETTINGS, connectionsPerShard: 40, monitor: { ...DEFAULT_LEGACY_SETTINGS.monitor, enabled: false }, mysql: { ...DEFAULT_LEGACY_SETTINGS.mysql, numDbPerQueue: 1 } },
    logger: silentLogger(), stats: new MemoryStats(), clock: systemClock,
  });
  const broker: DequeueBroker = createDequeueBroker({ brokerId: 'bench', mysql: { host: HOST, port: 3306, user: 'root', password: '', database: pacerDb, connectionLimit: 10 }, autoAssign: true, monitor: { enabled: false } });
  const server = await BrokerServer.listen(broker, HOST, 0, silentLogger());
  const directory = new StaticPartitionDirectory({ fallback: { host: HOST, port: server.port } });
  const pacer = await createPacerBackend({ mysql: { host: HOST, port: 3306, user: 'root', password: '', database: pacerDb, connectionLimit: 40 }, directory, defaultPartitions: 4 });
  const lines: string[] = [];
  const out = (s: string): void => {
    lines.push(s);
    process.stdout.write(`${s}\n`);
  };
  try {
    const results: Record<string, Run> = {};
    for (const workers of [1, 32]) {
      const lq = `lq${workers}_${tag}`;
      await legacy.createQueue(lq);
      await preloadLegacy(admin, shard, lq, workers === 1 ? 60_000 : 30_000);
      results[`legacy-${workers}`] = await loop(legacy, lq, workers, SECONDS);
      const pq = `pq${workers}_${tag}`;
      await pacer.createQueue(pq);
      await preloadPacer(pacer, pq, 150_000);
      await loop(pacer, pq, 1, 0.3); // warm: broker assigns partitions, fills buffers
      results[`pacer-${workers}`] = await loop(pacer, pq, workers, SECONDS);
    }
    const rate = (r: Run): number => r.jobs / r.seconds;
    out(`\n== dequeue(limit ${LIMIT}) + ack, ${SECONDS}s per run, same MariaDB ==`);
    for (const w of [1, 32]) {
      const l = results[`legacy-${w}`] as Run;
      const p = results[`pacer-${w}`] as Run;
      out(`${String(w).padStart(2)} dequeuers: legacy ${rate(l).toFixed(0)} jobs/s, pacer ${rate(p).toFixed(0)} jobs/s, ratio ${(rate(p) / rate(l)).toFixed(1)}x (target ${w === 1 ? '>= 2x' : '>= 10x'})`);
      out(`             dequeue latency ms p50/p99: legacy ${pct(l.latencies, 50).toFixed(2)}/${pct(l.latencies, 99).toFixed(2)}, pacer ${pct(p.latencies, 50).toFixed(2)}/${pct(p.latencies, 99).toFixed(2)}`);
    }
    // warm-buffer latency: 1 dequeuer, limit 1, no acks in between
    const wq = `warm_${tag}`;
    await pacer.createQueue(wq);
    await preloadPacer(pacer, wq, 5000);
    await pacer.dequeueJobs({ queue: wq, limit: 1, dryRun: false, coverage: 1, claimDescriptor: 'bench:warm' });
    const warm: number[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const t0 = process.hrtime.bigint();
      await pacer.dequeueJobs({ queue: wq, limit: 1, dryRun: false, coverage: 1, claimDescriptor: `bench:warm:${i}` });
      warm.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    out(`pacer dequeue latency, warm buffers (limit 1, via Thrift): p50 ${pct(warm, 50).toFixed(2)} ms, p99 ${pct(warm, 99).toFixed(2)} ms (target p99 < 2 ms)`);
    // enqueue-to-dequeuable: enqueue one job on an idle queue, dequeue until it shows up
    const eq = `e2d_${tag}`;
    await pacer.createQueue(eq);
    await pacer.dequeueJobs({ queue: eq, limit: 1, dryRun: false, coverage: 1, claimDescriptor: 'bench:e2d' });
    const e2d: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      const t0 = process.hrtime.bigint();
      await pacer.enqueueJobs({ queue: eq, jobs: [{ body: BODY, priority: 1, attemptsAllowed: 1, customStatus: '' }] });
      for (;;) {
        const r = await pacer.dequeueJobs({ queue: eq, limit: 1, dryRun: false, coverage: 1, claimDescriptor: `bench:e2d:${i}` });
        if (r.jobs.length > 0) break;
      }
      e2d.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    out(`pacer enqueue-to-dequeuable: p50 ${pct(e2d, 50).toFixed(2)} ms, p99 ${pct(e2d, 99).toFixed(2)} ms (target p50 < 50 ms, no polling)`);
    // trickle: 8 consumers on a mostly empty queue, a producer adds 10 jobs every 50 ms
    const trickle = async (backend: PinLaterBackend, q: string): Promise<{ calls: number; empty: number }> => {
      let calls = 0;
      let empty = 0;
      const deadline = Date.now() + 3000;
      const producer = (async () => {
        while (Date.now() < deadline) {
          await backend.enqueueJobs({ queue: q, jobs: Array.from({ length: 10 }, () => ({ body: BODY, priority: 1, attemptsAllowed: 1, customStatus: '' })) });
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      await Promise.all([producer, ...Array.from({ length: 8 }, async () => {
        while (Date.now() < deadline) {
          const r = await backend.dequeueJobs({ queue: q, limit: LIMIT, dryRun: false, coverage: 1, claimDescriptor: `bench:t:${(claimCounter += 1)}` });
          calls += 1;
          if (r.jobs.length === 0) {
            empty += 1;
            await new Promise((res) => setTimeout(res, 5));
          } else {
            await backend.ackDequeuedJobs({ queue: q, succeeded: r.jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] });
          }
        }
      })]);
      return { calls, empty };
    };
    const lt = `lt_${tag}`;
    await legacy.createQueue(lt);
    const lTrickle = await trickle(legacy, lt);
    const pt = `pt_${tag}`;
    await pacer.createQueue(pt);
    const before = { ...broker.counters };
    const pTrickle = await trickle(pacer, pt);
    const emptyReads = broker.counters.emptyRefills - before.emptyRefills;
    out(`dequeue calls that read MySQL and found nothing (trickle, 8 consumers): legacy ${(100 * lTrickle.empty / lTrickle.calls).toFixed(1)}% of ${lTrickle.calls} calls (each empty call ran the claim UPDATE on every priority table); ` +
      `pacer ${(100 * emptyReads / pTrickle.calls).toFixed(2)}% (${emptyReads} empty refill reads for ${pTrickle.calls} calls; ${pTrickle.empty} calls answered empty from memory, none reached MySQL)`);
  } finally {
    await pacer.close();
    await server.close();
    await broker.close();
    await directory.close();
    await legacy.close();
    await admin.query(`DROP DATABASE IF EXISTS \`${pacerDb}\``);
    const [dbs] = await admin.query<mysql.RowDataPacket[]>(`SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'plq\\_${shard}\\_%'`);
    for (const d of dbs) await admin.query(`DROP DATABASE IF EXISTS \`${String(d.n)}\``);
    await admin.end();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
