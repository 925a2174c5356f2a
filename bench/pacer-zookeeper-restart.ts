/**
 * Pacer through ZooKeeper restarts (issue 17): a ZooKeeper of its own (own port and data dir,
 * tickTime 1 s like scripts/services.sh, killed -9 and restarted on the same data), 3 REAL broker
 * processes in cluster mode, 2 controllers (in-process, each with its own session manager), the
 * gateway-side backend routing by the external view, over a fresh MySQL database; 8 client loops
 * of dequeue(50) + ack run throughout. Per restart:
 *   - recovery: time from ZooKeeper's return (answers `ruok`) until EVERY partition has handed out
 *     a job again; p50/p99 over the restarts;
 *   - dequeue throughput before the kill (1 s), while ZooKeeper is down, and during the recovery
 *     (from its return until every partition served again), in jobs/s;
 *   - dequeues refused (NO_HEALTHY_SHARDS / SHARD_CONNECTION_FAILED) and dequeues answered empty
 *     while jobs were ready (must be 0).
 * Two kinds: "long" = down for the session timeout + 2 s (every session is lost and replaced),
 * "short" = restarted at once (sessions survive; no partition moves).
 *
 *   npx tsx bench/pacer-zookeeper-restart.ts [--restarts 10] [--kinds long,short]
 *
 * bench/pacer-cluster-failover.ts runs it too and prints it beside the failover figures.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pino from 'pino';
import { systemClock } from '../core/src/util/clock';
import { HelixController } from '../pacer/src/coordination/controller';
import { readClusterStatus } from '../pacer/src/coordination/cluster-status';
import { NodeZkClient } from '../core/src/zookeeper/node-zk-client';
import { ZkSessionManager } from '../core/src/zookeeper/zk-session-manager';
import { parsePacerDescriptor } from '../pacer/src/descriptors/pacer-descriptor';
import { createPacerBackend, type PacerBackend } from '../pacer';
import { freePort } from '../test/support/free-port';
import { ScratchZooKeeper } from '../test/support/scratch-zookeeper';
import { exitWithHeaderHelp } from './support/header-help';
import { BrokerProcess, freshBenchDatabase, MYSQL } from './support/pacer-real-cluster';

const SESSION_TIMEOUT_MS = 4000;
const CLUSTER = 'pacer_zk_restart';
const QUEUE = 'zkr';
const PARTITIONS = 12;
const CLIENT_LOOPS = 8;
/** Ready jobs per partition before each restart: more than the loops take during it. */
const BACKLOG_PER_PARTITION = 3000;
const logger = pino({ level: 'silent' });

export type RestartKind = 'long' | 'short';

export interface RestartOptions {
  readonly restarts: number;
  readonly kinds: readonly RestartKind[];
}

interface Sample {
  readonly downMs: number;
  readonly servedAgainMs: number;
  readonly baselineJobsPerSecond: number;
  readonly outageJobsPerSecond: number;
  readonly recoveryJobsPerSecond: number;
  readonly refused: number;
  readonly emptyWhileReady: number;
}

/** Client loops that record, per job, when its partition served it. */
class Loops {
  jobs = 0;
  refused = 0;
  empties = 0;
  readonly servedAt = new Map<number, number>();
  private stopped = false;
  private readonly running: Array<Promise<void>>;

  constructor(private readonly backend: PacerBackend) {
    this.running = Array.from({ length: CLIENT_LOOPS }, (_, i) => this.loop(i));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  private async loop(i: number): Promise<void> {
    while (!this.stopped) {
      try {
        const r = await this.backend.dequeueJobs({ queue: QUEUE, limit: 50, dryRun: false, coverage: 1, claimDescriptor: `zkbench:${i}` });
        const now = Date.now();
        if (r.jobs.length === 0) this.empties += 1;
        this.jobs += r.jobs.length;
        for (const j of r.jobs) this.servedAt.set(parsePacerDescriptor(j.descriptor)?.partition ?? -1, now);
        if (r.jobs.length > 0) {
          await this.backend.ackDequeuedJobs({ queue: QUEUE, succeeded: r.jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] });
        }
      } catch {
        this.refused += 1;
        await new Promise((r) => setTimeout(r, 20)); // a refused dequeue: the client backs off a little
      }
    }
  }
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await check()) return Date.now();
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function converged(zk: ScratchZooKeeper): Promise<boolean> {
  try {
    const client = await NodeZkClient.connect({ connectString: zk.connectString(), sessionTimeoutMs: 10_000, connectTimeoutMs: 2000 });
    try {
      const s = await readClusterStatus(client, CLUSTER);
      const rows = s.queues[QUEUE] ?? [];
      return s.leader !== undefined && s.pendingMessages === 0 && s.unowned.length === 0 && rows.length === PARTITIONS && rows.every((r) => r.online.length === 1);
    } finally {
      await client.close();
    }
  } catch {
    return false;
  }
}

/** Pending jobs per partition (index = partition). */
async function pendingPerPartition(database: string): Promise<number[]> {
  const conn = await mysql.createConnection({ ...MYSQL, database });
  try {
    const [rows] = await conn.query('SELECT part, COUNT(*) AS n FROM jobs WHERE queue = ? AND state = 0 GROUP BY part', [QUEUE]);
    const out = Array.from({ length: PARTITIONS }, () => 0);
    for (const r of rows as Array<{ part: number; n: number }>) out[Number(r.part)] = Number(r.n);
    return out;
  } finally {
    await conn.end();
  }
}

/** Enqueues (spread at random, as clients do) until every partition has its backlog. */
async function topUp(c: Cluster): Promise<void> {
  while (Math.min(...(await pendingPerPartition(c.database))) < BACKLOG_PER_PARTITION) {
    for (let i = 0; i < 12; i += 1) {
      await c.backend.enqueueJobs({ queue: QUEUE, jobs: Array.from({ length: 1000 }, () => ({ body: Buffer.from('x'.repeat(64)), priority: 1, attemptsAllowed: 3, customStatus: '' })) });
    }
  }
}

function rate(jobs: number, ms: number): number {
  return ms > 0 ? Math.round((jobs / ms) * 1000) : 0;
}

interface Cluster {
  readonly database: string;
  readonly zk: ScratchZooKeeper;
  readonly backend: PacerBackend;
  readonly brokers: BrokerProcess[];
  readonly controllers: Array<{ controller: HelixController; sessions: ZkSessionManager }>;
}

/** Everything useful when a restart did not recover (the benchmark then fails with it). */
async function diagnostics(c: Cluster, loops: Loops, upAt: number): Promise<string> {
  const client = await NodeZkClient.connect({ connectString: c.zk.connectString(), sessionTimeoutMs: 10_000, connectTimeoutMs: 2000 }).catch(() => undefined);
  const status = client ? await readClusterStatus(client, CLUSTER).catch((e: unknown) => String(e)) : 'zookeeper unreachable';
  await client?.close();
  const mysqlConn = await mysql.createConnection({ ...MYSQL, database: c.database });
  const [byPartition] = await mysqlConn.query('SELECT part, state, COUNT(*) AS n FROM jobs GROUP BY part, state ORDER BY part, state');
  await mysqlConn.end();
  return JSON.stringify({
    jobsByPartitionAndState: byPartition,
    servedSinceReturn: [...loops.servedAt].filter(([, t]) => t >= upAt).map(([p]) => p).sort((a, b) => a - b),
    status,
    gatewayHealth: await c.backend.health(),
    controllers: c.controllers.map((x) => ({ leader: x.controller.isLeader(), zookeeper: x.sessions.state(), counters: x.sessions.counters() })),
    brokers: c.brokers.map((b) => ({ id: b.id, log: b.tail(3000) })),
  }, null, 2);
}

async function oneRestart(cluster: Cluster, kind: RestartKind): Promise<Sample> {
  const { zk, backend } = cluster;
  await waitFor('cluster converged', () => converged(zk));
  await topUp(cluster);
  const loops = new Loops(backend);
  try {
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = { jobs: loops.jobs, ms: Date.now() - t0 };
    const killedAt = Date.now();
    const refusedBefore = loops.refused;
    const emptiesBefore = loops.empties;
    await zk.kill();
    if (kind === 'long') await new Promise((r) => setTimeout(r, SESSION_TIMEOUT_MS + 2000));
    await zk.start();
    const upAt = zk.readySinceMs;
    const outage = { jobs: loops.jobs - baseline.jobs, ms: upAt - killedAt };
    // "Served again" = every partition that still has ready jobs handed one out after the return.
    const ready = (await pendingPerPartition(cluster.database)).flatMap((n, p) => (n > 0 ? [p] : []));
    if (ready.length < PARTITIONS) process.stderr.write(`note: ${PARTITIONS - ready.length} partition(s) had no ready job left at ZooKeeper's return\n`);
    const servedAgain = await waitFor('every partition served again', () => ready.every((p) => (loops.servedAt.get(p) ?? 0) >= upAt))
      .catch(async (e: unknown) => {
        throw new Error(`${String(e)} (${kind} restart)\n${await diagnostics(cluster, loops, upAt)}`);
      });
    return {
      downMs: upAt - killedAt,
      servedAgainMs: servedAgain - upAt,
      baselineJobsPerSecond: rate(baseline.jobs, baseline.ms),
      outageJobsPerSecond: rate(outage.jobs, outage.ms),
      recoveryJobsPerSecond: rate(loops.jobs - baseline.jobs - outage.jobs, servedAgain - upAt),
      refused: loops.refused - refusedBefore,
      emptyWhileReady: loops.empties - emptiesBefore, // from the kill until served again; the backlog outlasts it
    };
  } finally {
    await loops.stop();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

function summarize(kind: RestartKind, samples: Sample[]): Record<string, unknown> {
  const served = samples.map((s) => s.servedAgainMs);
  const median = (f: (s: Sample) => number): number => percentile(samples.map(f), 50);
  return {
    kind,
    restarts: samples.length,
    zookeeperDownMsMedian: median((s) => s.downMs),
    servedAgainAfterReturnMs: { p50: percentile(served, 50), p99: percentile(served, 99), max: Math.max(...served) },
    targetMs: kind === 'long' ? SESSION_TIMEOUT_MS + 2000 : 2000,
    dequeueJobsPerSecondMedian: { before: median((s) => s.baselineJobsPerSecond), whileDown: median((s) => s.outageJobsPerSecond), duringRecovery: median((s) => s.recoveryJobsPerSecond) },
    refusedDequeues: samples.reduce((n, s) => n + s.refused, 0),
    emptyAnswersWhileJobsReady: samples.reduce((n, s) => n + s.emptyWhileReady, 0),
  };
}

async function startControllers(connectString: string): Promise<Array<{ controller: HelixController; sessions: ZkSessionManager }>> {
  const out: Array<{ controller: HelixController; sessions: ZkSessionManager }> = [];
  for (const name of ['zkr-controller-0', 'zkr-controller-1']) {
    const sessions = ZkSessionManager.forConnectString({ connectString, sessionTimeoutMs: SESSION_TIMEOUT_MS }, { name, clock: systemClock, logger });
    await sessions.start();
    const controller = new HelixController({ cluster: CLUSTER, name, sessions, clock: systemClock, logger });
    await controller.start();
    out.push({ controller, sessions });
  }
  return out;
}

/** Runs `restarts` restarts of each kind against a fresh cluster; returns the figures. */
export async function measureZooKeeperRestarts(options: RestartOptions): Promise<Record<string, unknown>> {
  const zk = new ScratchZooKeeper(await freePort(), { tickTimeMs: 1000, label: `pacer-zk-bench-${randomBytes(3).toString('hex')}` });
  await zk.start();
  const db = await freshBenchDatabase();
  const controllers = await startControllers(zk.connectString());
  const backend = await createPacerBackend({
    mysql: { ...MYSQL, database: db.name }, topology: { mode: 'zookeeper', connect: zk.connectString(), cluster: CLUSTER, sessionTimeoutMs: SESSION_TIMEOUT_MS, brokerCallTimeoutMs: 2000 }, applyMigrations: false,
  });
  const brokers: BrokerProcess[] = [];
  try {
    await backend.createQueueWithOptions(QUEUE, { numPartitions: PARTITIONS });
    for (let i = 0; i < 3; i += 1) brokers.push(await BrokerProcess.start(`zkr-${i}`, zk.connectString(), CLUSTER, db.name, SESSION_TIMEOUT_MS));
    const results: Array<Record<string, unknown>> = [];
    const cluster: Cluster = { database: db.name, zk, backend, brokers, controllers };
    for (const kind of options.kinds) {
      const samples: Sample[] = [];
      for (let i = 0; i < options.restarts; i += 1) samples.push(await oneRestart(cluster, kind));
      results.push(summarize(kind, samples));
    }
    return { sessionTimeoutMs: SESSION_TIMEOUT_MS, zookeeperTickMs: 1000, brokers: 3, partitions: PARTITIONS, clientLoops: CLIENT_LOOPS, results };
  } finally {
    for (const b of brokers) await b.stop('SIGKILL');
    await backend.close();
    for (const c of controllers) {
      await c.controller.close();
      await c.sessions.close();
    }
    await zk.dispose();
    await db.drop();
  }
}

function parseOptions(argv: readonly string[]): RestartOptions {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const restarts = Number(value('--restarts') ?? 10);
  const kinds = (value('--kinds') ?? 'long,short').split(',') as RestartKind[];
  if (!Number.isInteger(restarts) || restarts < 1) throw new Error(`--restarts must be a positive integer, got '${value('--restarts')}'`);
  if (kinds.some((k) => k !== 'long' && k !== 'short')) throw new Error(`--kinds takes long and/or short, got '${value('--kinds')}'`);
  return { restarts, kinds };
}

if (require.main === module) {
  exitWithHeaderHelp(__filename);
  measureZooKeeperRestarts(parseOptions(process.argv.slice(2)))
    .then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exit(1);
    });
}
