/**
 * Pacer cluster coordination benchmark (real ZooKeeper on 127.0.0.1:2181, a throwaway chroot):
 * 1. failover: kill -9 a participant PROCESS; time until all its partitions are ONLINE elsewhere
 *    in the external view (target: session timeout + 2 s);
 * 2. graceful hand-off: drain an in-process participant; time until its partitions are served
 *    elsewhere, and the longest time any single partition was unowned;
 * 3. ZooKeeper writes per partition move, counted by every client of the run (controllers and
 *    in-process participants) during the drain.
 * 4-6. With REAL broker processes in cluster mode (pacer/src/broker/main.ts --zk) over a fresh
 *    MySQL database and the gateway-side backend routing by the external view:
 *    - dequeue throughput with 1, 2 and 3 brokers (8 client loops of dequeue(50) + ack), with the
 *      CPU each process used, to show where scaling stops (MySQL or CPU);
 *    - kill -9 of a broker under load: time until all its partitions are served again;
 *    - graceful hand-off (SIGTERM: drain, then exit) under a dequeue loop: time until its
 *      partitions are served elsewhere and the number of FAILED dequeues meanwhile (target 0).
 * 7. ZooKeeper itself killed and restarted under load (bench/pacer-zookeeper-restart.ts, its own
 *    ZooKeeper): time from its return until every partition is served again (p50/p99 over
 *    `--zk-restarts` restarts of each kind, default 10; 0 skips it) and the dequeue throughput
 *    during the recovery, printed as `zookeeperRestart` beside the failover figures.
 * Bounded: every wait gives up after 30 s. Run: npx tsx bench/pacer-cluster-failover.ts [--zk-restarts 10]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import pino from 'pino';
import { systemClock } from '../core/src/util/clock';
import { addQueue, setupCluster } from '../pacer/src/coordination/cluster-setup';
import { HelixController } from '../pacer/src/coordination/controller';
import { onlineOwners } from '../pacer/src/coordination/external-view';
import { HelixPaths } from '../pacer/src/coordination/helix-paths';
import { NodeZkClient } from '../core/src/zookeeper/node-zk-client';
import { ZkSessionManager } from '../core/src/zookeeper/zk-session-manager';
import { HelixParticipant } from '../pacer/src/coordination/participant';
import { childrenOrEmpty, deleteRecursive, readRecord } from '../pacer/src/coordination/record-store';
import type { ZkClient } from '../core/src/zookeeper/zk-client';
import { readClusterStatus } from '../pacer/src/coordination/cluster-status';
import { createPacerBackend, type PacerBackend } from '../pacer';
import { BrokerProcess, cpuSeconds, freshBenchDatabase, mysqldPid, MYSQL } from './support/pacer-real-cluster';
import { exitWithHeaderHelp } from './support/header-help';
import { measureZooKeeperRestarts } from './pacer-zookeeper-restart';

exitWithHeaderHelp(__filename);

const ZK = '127.0.0.1:2181';
const SESSION_TIMEOUT_MS = 4000;
const CLUSTER = 'pacer';
const QUEUES: Record<string, number> = { bench_a: 12, bench_b: 12, bench_c: 12 };
const logger = pino({ level: 'silent' });
const paths = new HelixPaths(CLUSTER);
const clients: ZkClient[] = [];
const managers: ZkSessionManager[] = [];

/** One session manager per member, as one per process; its sessions come from `connect` (counted). */
async function sessionsOf(name: string, connect: () => Promise<ZkClient>): Promise<ZkSessionManager> {
  const m = new ZkSessionManager({ name, connect, clock: systemClock, logger });
  managers.push(m);
  await m.start();
  return m;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - t0;
}

async function owners(admin: ZkClient): Promise<Map<string, string[]>> {
  const live = new Set(await childrenOrEmpty(admin, paths.liveInstances()));
  const out = new Map<string, string[]>();
  for (const q of Object.keys(QUEUES)) {
    const ev = await readRecord(admin, paths.externalView(q));
    for (const [p, o] of ev ? onlineOwners(ev.record) : []) out.set(p, o.filter((i) => live.has(i)));
  }
  return out;
}

async function allServedOutside(admin: ZkClient, excluded: string): Promise<boolean> {
  const total = Object.values(QUEUES).reduce((a, b) => a + b, 0);
  const o = await owners(admin);
  return o.size === total && [...o.values()].every((list) => list.length === 1 && list[0] !== excluded);
}

function spawnParticipant(connect: string, name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/pacer-participant-process.ts', connect, CLUSTER, name, String(SESSION_TIMEOUT_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('joined') && resolve(child));
    child.once('exit', (code) => reject(new Error(`participant ${name} exited ${code}`)));
  });
}

async function main(): Promise<void> {
  const chroot = `/bench/${randomBytes(6).toString('hex')}`;
  const root = await NodeZkClient.connect({ connectString: ZK, sessionTimeoutMs: 10_000 });
  await root.mkdirp(chroot);
  const connect = `${ZK}${chroot}`;
  const newClient = async (): Promise<ZkClient> => {
    const c = await NodeZkClient.connect({ connectString: connect, sessionTimeoutMs: SESSION_TIMEOUT_MS });
    clients.push(c);
    return c;
  };
  const admin = await NodeZkClient.connect({ connectString: connect, sessionTimeoutMs: 10_000 });
  await setupCluster(admin, paths);
  for (const [q, n] of Object.entries(QUEUES)) await addQueue(admin, paths, q, { numPartitions: n });
  const controllers: HelixController[] = [];
  for (const i of [0, 1]) {
    controllers.push(new HelixController({ cluster: CLUSTER, name: `controller-${i}`, sessions: await sessionsOf(`controller-${i}`, newClient), clock: systemClock, logger }));
  }
  for (const c of controllers) await c.start();
  const noop = { onBecomeOnline: async () => undefined, onBecomeOffline: async () => undefined, onSessionLost: () => undefined, onSessionSuspended: () => undefined, onSessionResumed: () => undefined };
  const inproc: HelixParticipant[] = [];
  for (const [i, name] of ['broker-0', 'broker-1'].entries()) {
    const sessions = await sessionsOf(name, newClient);
    inproc.push(new HelixParticipant({ cluster: CLUSTER, instance: name, endpoint: { host: '127.0.0.1', port: 9000 + i }, sessions, handler: noop, clock: systemClock, logger }));
  }
  for (const p of inproc) await p.start();
  const child = await spawnParticipant(connect, 'broker-2');
  await waitFor('initial assignment', async () => {
    const o = await owners(admin);
    return [...o.values()].filter((l) => l[0] === 'broker-2').length === 12 && (await allServedOutside(admin, 'nobody'));
  });

  // 1. Failover after kill -9.
  const t0 = Date.now();
  child.kill('SIGKILL');
  await waitFor('failover', () => allServedOutside(admin, 'broker-2'));
  const failoverMs = Date.now() - t0;

  // 2 + 3. Graceful drain of broker-1 (in-process), counting ZooKeeper writes and unowned gaps.
  await waitFor('balance', async () => [...(await owners(admin)).values()].filter((l) => l[0] === 'broker-1').length === 18);
  const writesBefore = clients.reduce((n, c) => n + c.counters().writes, 0);
  const moved = inproc[1]?.onlinePartitions().length ?? 0;
  const gapStart = new Map<string, number>();
  let maxGapMs = 0;
  const t1 = Date.now();
  const drained = inproc[1]?.drain(30_000);
  await waitFor('hand-off', async () => {
    const now = Date.now();
    for (const [p, list] of await owners(admin)) {
      if (list.length === 0 && !gapStart.has(p)) gapStart.set(p, now);
      if (list.length === 1 && gapStart.has(p)) {
        maxGapMs = Math.max(maxGapMs, now - (gapStart.get(p) ?? now));
        gapStart.delete(p);
      }
    }
    return allServedOutside(admin, 'broker-1');
  });
  const handoffMs = Date.now() - t1;
  await drained;
  await new Promise((r) => setTimeout(r, 300)); // let the last external-view write land before counting
  const writes = clients.reduce((n, c) => n + c.counters().writes, 0) - writesBefore;

  const real = await realBrokers(connect, newClient);
  const zkRestarts = zkRestartCount(process.argv.slice(2));
  const zookeeperRestart = zkRestarts === 0 ? 'skipped (--zk-restarts 0)' : await measureZooKeeperRestarts({ restarts: zkRestarts, kinds: ['long', 'short'] });

  const result = {
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    failover: { partitions: 12, ms: failoverMs, targetMs: SESSION_TIMEOUT_MS + 2000 },
    gracefulHandoff: { partitions: moved, totalMs: handoffMs, maxUnownedMsPerPartition: maxGapMs },
    zkWritesPerMove: moved > 0 ? +(writes / moved).toFixed(2) : null,
    realBrokers: real,
    zookeeperRestart,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

  for (const p of inproc) await p.close();
  for (const c of controllers) await c.close();
  for (const m of managers) await m.close();
  for (const c of clients) await c.close();
  await deleteRecursive(admin, paths.root);
  await admin.close();
  await deleteRecursive(root, chroot);
  await root.close();
}

function zkRestartCount(argv: readonly string[]): number {
  const i = argv.indexOf('--zk-restarts');
  const n = i >= 0 ? Number(argv[i + 1]) : 10;
  if (!Number.isInteger(n) || n < 0) throw new Error(`--zk-restarts must be a non-negative integer, got '${argv[i + 1]}'`);
  return n;
}

const REAL_CLUSTER = 'pacer_real';
const REAL_QUEUE = 'tput';
const REAL_PARTITIONS = 12;
const CLIENT_LOOPS = 8;
const MEASURE_MS = 5000;

/** Every partition of REAL_QUEUE ONLINE on exactly one of `brokers`, nothing in flight. */
async function realConverged(admin: ZkClient, brokers: string[], excluded?: string): Promise<boolean> {
  const s = await readClusterStatus(admin, REAL_CLUSTER);
  const rows = s.queues[REAL_QUEUE] ?? [];
  return s.pendingMessages === 0 && s.unowned.length === 0 && rows.length === REAL_PARTITIONS
    && rows.every((r) => r.online.length === 1 && brokers.includes(r.online[0] as string) && r.online[0] !== excluded);
}

async function topUp(backend: PacerBackend, pending: number): Promise<void> {
  const have = await backend.getJobCount({ queue: REAL_QUEUE, state: 0, future: false });
  for (let n = have; n < pending; n += 500) {
    await backend.enqueueJobs({ queue: REAL_QUEUE, jobs: Array.from({ length: 500 }, () => ({ body: Buffer.from('x'.repeat(64)), priority: 1, attemptsAllowed: 3, customStatus: '' })) });
  }
}

/** CLIENT_LOOPS loops of dequeue + ack until `stop()`; counts jobs and failed dequeues. */
function dequeueLoops(backend: PacerBackend): { stop: () => Promise<void>; jobs: () => number; failures: () => number } {
  let stopped = false;
  let jobs = 0;
  let failures = 0;
  const loop = async (i: number): Promise<void> => {
    while (!stopped) {
      try {
        const r = await backend.dequeueJobs({ queue: REAL_QUEUE, limit: 50, dryRun: false, coverage: 1, claimDescriptor: `bench:${i}` });
        jobs += r.jobs.length;
        if (r.jobs.length > 0) {
          await backend.ackDequeuedJobs({ queue: REAL_QUEUE, succeeded: r.jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] });
        }
      } catch {
        failures += 1;
      }
    }
  };
  const loops = Array.from({ length: CLIENT_LOOPS }, (_, i) => loop(i));
  return { stop: async () => { stopped = true; await Promise.all(loops); }, jobs: () => jobs, failures: () => failures };
}

async function measureThroughput(backend: PacerBackend, brokers: BrokerProcess[]): Promise<Record<string, unknown>> {
  await topUp(backend, 60_000);
  const mysqld = mysqldPid();
  const cpu0 = { brokers: brokers.map((b) => cpuSeconds(b.pid)), mysqld: mysqld ? cpuSeconds(mysqld) : 0, bench: process.cpuUsage() };
  const loops = dequeueLoops(backend);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const jobs = loops.jobs();
  const ms = Date.now() - t0;
  await loops.stop();
  const pct = (seconds: number): number => Math.round((seconds / (ms / 1000)) * 100);
  const benchCpu = process.cpuUsage(cpu0.bench);
  return {
    brokers: brokers.length,
    jobsPerSecond: Math.round((jobs / ms) * 1000),
    failedDequeues: loops.failures(),
    cpuPercentOfOneCore: {
      brokers: brokers.map((b, i) => pct(cpuSeconds(b.pid) - (cpu0.brokers[i] ?? 0))),
      mysqld: mysqld ? pct(cpuSeconds(mysqld) - cpu0.mysqld) : null,
      gatewayAndClients: pct((benchCpu.user + benchCpu.system) / 1e6),
    },
  };
}

/** Where scaling stops, from the CPU each process used (2 vCPUs = 200 % of one core). */
function scalingNote(scaling: Array<Record<string, unknown>>, best: Record<string, unknown>): string {
  const capacity = cpus().length * 100;
  const parts = scaling.map((m) => {
    const c = m.cpuPercentOfOneCore as { brokers: number[]; mysqld: number | null; gatewayAndClients: number };
    const total = c.brokers.reduce((a, b) => a + b, 0) + (c.mysqld ?? 0) + c.gatewayAndClients;
    const bound = total >= 0.85 * capacity ? 'CPU-bound (machine saturated)'
      : (c.mysqld ?? 0) >= 85 ? 'MySQL-bound (mysqld near one full core)'
        : `neither CPU (${total}% of ${capacity}%) nor mysqld (${c.mysqld ?? '?'}%) saturated: latency-bound (closed-loop clients waiting on claim/ack commits)`;
    return `${String(m.brokers)} broker(s): ${String(m.jobsPerSecond)} jobs/s, ${bound}`;
  });
  return `peak ${String(best.jobsPerSecond)} jobs/s with ${String(best.brokers)} broker(s) on ${cpus().length} vCPUs. ${parts.join('; ')}`;
}

async function realBrokers(connect: string, newClient: () => Promise<ZkClient>): Promise<Record<string, unknown>> {
  const db = await freshBenchDatabase();
  const admin = await newClient();
  const controllers: HelixController[] = [];
  for (const i of [0, 1]) {
    controllers.push(new HelixController({ cluster: REAL_CLUSTER, name: `real-controller-${i}`, sessions: await sessionsOf(`real-controller-${i}`, newClient), clock: systemClock, logger }));
  }
  for (const c of controllers) await c.start();
  const backend = await createPacerBackend({ mysql: { ...MYSQL, database: db.name }, topology: { mode: 'zookeeper', connect, cluster: REAL_CLUSTER, brokerCallTimeoutMs: 2000 }, applyMigrations: false });
  const brokers: BrokerProcess[] = [];
  try {
    await backend.createQueueWithOptions(REAL_QUEUE, { numPartitions: REAL_PARTITIONS });
    const scaling: Array<Record<string, unknown>> = [];
    for (let n = 1; n <= 3; n += 1) {
      brokers.push(await BrokerProcess.start(`real-${n}`, connect, REAL_CLUSTER, db.name, SESSION_TIMEOUT_MS));
      await waitFor(`${n} broker(s) converged`, () => realConverged(admin, brokers.map((b) => b.id)));
      scaling.push(await measureThroughput(backend, brokers));
    }

    // kill -9 under load: time until every partition of the dead broker is served again.
    await topUp(backend, 60_000);
    let loops = dequeueLoops(backend);
    const victim = brokers[1] as BrokerProcess;
    const tKill = Date.now();
    await victim.stop('SIGKILL');
    const survivors = brokers.filter((b) => b !== victim).map((b) => b.id);
    await waitFor('failover (real brokers)', () => realConverged(admin, survivors, victim.id));
    const killMs = Date.now() - tKill;
    await loops.stop();
    brokers.splice(brokers.indexOf(victim), 1);

    // graceful hand-off under a dequeue loop: SIGTERM = drain, then exit.
    brokers.push(await BrokerProcess.start('real-4', connect, REAL_CLUSTER, db.name, SESSION_TIMEOUT_MS));
    await waitFor('3 brokers again', () => realConverged(admin, brokers.map((b) => b.id)));
    await topUp(backend, 60_000);
    loops = dequeueLoops(backend);
    await new Promise((r) => setTimeout(r, 500)); // the loop is running at full speed
    const leaving = brokers[0] as BrokerProcess;
    const failuresBefore = loops.failures();
    const tTerm = Date.now();
    const exit = leaving.stop('SIGTERM');
    await waitFor('graceful hand-off (real brokers)', () => realConverged(admin, brokers.filter((b) => b !== leaving).map((b) => b.id), leaving.id));
    const handoffMs = Date.now() - tTerm;
    await exit;
    const exitMs = Date.now() - tTerm;
    await new Promise((r) => setTimeout(r, 500)); // keep dequeuing past the exit
    const failedDuringHandoff = loops.failures() - failuresBefore;
    await loops.stop();
    brokers.splice(brokers.indexOf(leaving), 1);

    const best = scaling.reduce((a, b) => (Number(b.jobsPerSecond) > Number(a.jobsPerSecond) ? b : a));
    return {
      throughput: scaling,
      scalingNote: scalingNote(scaling, best),
      killMinus9: { partitionsServedAgainMs: killMs, targetMs: SESSION_TIMEOUT_MS + 2000 },
      gracefulHandoff: { partitionsServedElsewhereMs: handoffMs, processExitMs: exitMs, failedDequeues: failedDuringHandoff, targetMs: 1000 },
    };
  } finally {
    for (const b of brokers) await b.stop('SIGKILL');
    await backend.close();
    for (const c of controllers) await c.close();
    await deleteRecursive(admin, new HelixPaths(REAL_CLUSTER).root);
    await db.drop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
