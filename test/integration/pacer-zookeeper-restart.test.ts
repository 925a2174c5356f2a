/**
 * Pacer survives ZooKeeper itself going away (issue 17). A REAL ZooKeeper started by this test on
 * its own port and data dir (test/support/scratch-zookeeper.ts, tickTime 250 ms) is killed (-9)
 * and restarted with the same data, under continuous enqueue/dequeue/ack load from a gateway-side
 * Pacer backend, with 3 brokers and 2 controllers as separate processes and a fresh MariaDB
 * database. Scenarios, in order, on the same cluster:
 *   1. ZooKeeper down for less than the session timeout: every session survives, no partition
 *      moves (owner epochs in MySQL unchanged), serving resumes;
 *   2. ZooKeeper down for longer than the session timeout: sessions expire, every process
 *      rejoins by itself, every partition is served again within session timeout + a few seconds
 *      of ZooKeeper's return;
 *   3. a restart while a leadership change is in flight (the leader controller kill -9'd just
 *      before ZooKeeper): the standby leads within the session timeout of ZooKeeper's return;
 *   4. two restarts in a row (the second one while the cluster is still recovering).
 * Each scenario starts with a backlog in every partition that outlasts the fault, so any EMPTY
 * dequeue answer between the kill and full recovery is an empty answer while jobs were ready: it
 * must never happen (the gateway refreshes its view, retries, and otherwise answers
 * NO_HEALTHY_SHARDS). Finally every job enqueued was handed out once and acked.
 *
 * The issue's failure on the code before the fix: after scenario 2 the leader controller was stuck
 * (OPERATION_TIMEOUT forever, `leader: (none)`), nothing was served and dequeues came back empty.
 */
import { createPacerBackend, type PacerBackend } from '../../pacer';
import { readClusterStatus, type ClusterStatus } from '../../pacer/src/coordination/cluster-status';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import type { PacerClusterHealth } from '../../pacer/src/api/clustered-pacer-backend';
import { ErrorCode } from '../../core/src/errors/error-code';
import { parsePacerDescriptor } from '../../pacer/src/descriptors/pacer-descriptor';
import { JobState } from '../../core/src/types/job-state';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { openMysql, type TestMysqlConnection } from '../support/mysql';
import { ScratchZooKeeper } from '../support/scratch-zookeeper';
import { freshPacerDb, job, type PacerDb } from './pacer-fixtures';
import { ProcessGroup, type ClusterProcess } from '../support/pacer-processes';
import { RestartLoad } from './pacer-zookeeper/restart-load';

jest.setTimeout(120_000);

const CLUSTER = 'pacer';
const SESSION_TIMEOUT_MS = 4000;
const QUEUE = 'zkr';
const PARTITIONS = 6;
const BROKERS = ['broker-0', 'broker-1', 'broker-2'];
const CONTROLLERS = ['controller-1', 'controller-2'];
/** Ready jobs per partition before each fault: far more than the load can take during it. */
const BACKLOG_PER_PARTITION = 120;
/** "A few seconds" on a busy 2-CPU CI machine. */
const SLACK_MS = 6000;
/**
 * Kill-and-restarts tried for the short outage: ZooKeeper's own start (a JVM) takes 1.5–4 s on a
 * busy 2-CPU machine, and took 4.3 s there with another test file running (2 jest workers), past
 * the session timeout: then the outage was not the short one this scenario is about.
 */
const SHORT_OUTAGE_TRIES = 3;
const WAIT = { timeoutMs: 40_000, intervalMs: 50 };

let zk: ScratchZooKeeper;
let fx: PacerDb;
let db: TestMysqlConnection;
let procs: ProcessGroup;
let backend: PacerBackend;
let load: RestartLoad;
let recovery: PacerBackend | undefined;
const brokers = new Map<string, ClusterProcess>();
const controllers = new Map<string, ClusterProcess>();

function note(what: string): void {
  if (process.env.ZKR_VERBOSE) process.stdout.write(`[zk-restart ${new Date().toISOString()}] ${what}\n`);
}

beforeAll(async () => {
  zk = new ScratchZooKeeper(await freePort(), { tickTimeMs: 250, label: 'pacer-zk-restart' });
  await zk.start();
  fx = await freshPacerDb();
  db = await openMysql(fx.db.name);
  procs = new ProcessGroup({
    zkConnect: zk.connectString(), cluster: CLUSTER, database: fx.db.name, sessionTimeoutMs: SESSION_TIMEOUT_MS,
    brokerArgs: ['--claim-timeout-ms', '600000', '--safety-sweep-ms', '1000', '--drain-linger-ms', '300'],
  });
  for (const name of CONTROLLERS) controllers.set(name, await procs.startController(name));
  backend = await createPacerBackend({
    mysql: fx.mysql, topology: { mode: 'zookeeper', connect: zk.connectString(), cluster: CLUSTER, sessionTimeoutMs: SESSION_TIMEOUT_MS, brokerCallTimeoutMs: 2000 },
    monitor: { claimTimeoutMs: 600_000 }, applyMigrations: false,
  });
  await backend.createQueueWithOptions(QUEUE, { numPartitions: PARTITIONS });
  const started = await Promise.all(BROKERS.map((id) => procs.startBroker(id)));
  started.forEach((p, i) => brokers.set(BROKERS[i] as string, p));
  await converged();
  load = new RestartLoad(backend, { queue: QUEUE, clients: 4, enqueuePerRound: 2, dequeueLimit: 2, pauseMs: 100 });
  load.start();
});

afterAll(async () => {
  await load?.stop().catch(() => undefined);
  await procs?.close();
  await recovery?.close();
  await backend?.close();
  await db?.end();
  await zk?.dispose();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

/** The cluster as a fresh client sees it (a new session per call: the test's own reads never get stuck). */
async function clusterStatus(): Promise<ClusterStatus> {
  const client = await NodeZkClient.connect({ connectString: zk.connectString(), sessionTimeoutMs: 10_000, connectTimeoutMs: 2000 });
  try {
    return await readClusterStatus(client, CLUSTER);
  } finally {
    await client.close();
  }
}

/** Every partition ONLINE on exactly one live broker, nothing in flight, a leader elected. */
async function converged(): Promise<ClusterStatus> {
  return eventually(async () => {
    const s = await clusterStatus();
    expect(s.leader).toBeDefined();
    expect(s.liveInstances).toEqual([...brokers.keys()].sort());
    expect(s.unowned).toEqual([]);
    expect(s.pendingMessages).toBe(0);
    for (const r of s.queues[QUEUE] ?? []) expect(r.online).toHaveLength(1);
    return s;
  }, WAIT);
}

async function pendingPerPartition(): Promise<number[]> {
  const [rows] = await db.query('SELECT part, COUNT(*) AS n FROM jobs WHERE queue = ? AND state = ? GROUP BY part', [QUEUE, JobState.PENDING]);
  const out = Array.from({ length: PARTITIONS }, () => 0);
  for (const r of rows as Array<{ part: number; n: number }>) out[Number(r.part)] = Number(r.n);
  return out;
}

/** Enqueues until every partition has at least BACKLOG_PER_PARTITION pending jobs. */
async function fillBacklog(): Promise<void> {
  for (let round = 0; Math.min(...(await pendingPerPartition())) < BACKLOG_PER_PARTITION; round += 1) {
    const ds = await backend.enqueueJobs({ queue: QUEUE, jobs: Array.from({ length: 200 }, (_, i) => job(`backlog${round}_${i}`, { attemptsAllowed: 3 })) });
    load.enqueued += ds.length;
  }
}

async function gatewayHealth(): Promise<PacerClusterHealth> {
  return (await backend.health()) as PacerClusterHealth;
}

async function ownerEpochs(): Promise<Map<number, string>> {
  const [rows] = await db.query('SELECT part, owner_id, epoch FROM partition_owners WHERE queue = ?', [QUEUE]);
  return new Map((rows as Array<{ part: number; owner_id: string; epoch: number }>).map((r) => [Number(r.part), `${r.owner_id}@${r.epoch}`]));
}

function sessionLossesLogged(): number {
  return [...brokers.values()].reduce((n, b) => n + b.logLines('participant session lost; stopped serving, rejoining').length, 0);
}

/**
 * Brokers whose ZooKeeper client gave its session up because it stayed disconnected for the whole
 * session timeout (zk-session-manager.ts, reason 'disconnected'): for them the outage was not a
 * short one, however soon ZooKeeper itself answered again (it came back, but too late for the
 * client to reconnect in time).
 */
function disconnectedTooLong(): number {
  return [...brokers.values()].reduce((n, b) => n + b.logLines('zookeeper session lost (LOST); opening a new one').filter((l) => l.reason === 'disconnected').length, 0);
}

/**
 * kill -9 ZooKeeper, keep it down `downMs` (running `whileDown` meanwhile), start it again on the
 * same data; resolves when it answers.
 */
async function restartZooKeeper(downMs: number, whileDown?: () => Promise<void>): Promise<{ killedAt: number; upAt: number }> {
  const killedAt = Date.now();
  await zk.kill();
  note(`zookeeper killed, down ${downMs} ms`);
  const outage = new Promise((r) => setTimeout(r, downMs)); // the outage itself, not a wait for a condition
  await whileDown?.();
  await outage;
  await zk.start();
  const upAt = zk.readySinceMs;
  note(`zookeeper back after ${upAt - killedAt} ms`);
  return { killedAt, upAt };
}

/** Waits until every partition served a job at or after `sinceMs`; resolves with when that happened. */
async function allPartitionsServedSince(sinceMs: number): Promise<number> {
  return eventually(() => {
    expect(load.partitionsServedSince(sinceMs)).toHaveLength(PARTITIONS);
    return Date.now();
  }, { timeoutMs: 60_000, intervalMs: 20 });
}

/**
 * The invariants after a fault window [killedAt, servedAt]: the backlog outlasted it (so jobs were
 * ready in every partition throughout), and no dequeue inside it answered "empty".
 */
async function expectNoSilentEmpties(killedAt: number, servedAt: number): Promise<void> {
  const left = await pendingPerPartition();
  expect(Math.min(...left)).toBeGreaterThan(0);
  expect(load.emptiesBetween(killedAt, servedAt)).toBe(0);
}

it('ZooKeeper down shorter than the session timeout: the same sessions resume, no partition moves, serving resumes', async () => {
  for (let attempt = 1; ; attempt += 1) {
    await converged();
    await fillBacklog();
    const epochs = await ownerEpochs();
    const losses = sessionLossesLogged();
    const timedOut = disconnectedTooLong();
    const { killedAt, upAt } = await restartZooKeeper(0);
    const servedAfter = (): Promise<number> => allPartitionsServedSince(upAt);
    // Not this scenario when ZooKeeper's start outlasted the session timeout, or came back so near
    // its end that a client could not reconnect before giving its session up (seen on a loaded
    // machine: back after 3.x s of 4, every broker's session lost as 'disconnected'). What holds
    // for any outage is checked, then the short outage is tried again from a converged cluster.
    const tooLong = async (): Promise<boolean> => {
      if (upAt - killedAt >= SESSION_TIMEOUT_MS) return true;
      await servedAfter(); // a client gives up (if it does) before its partitions are served again
      return disconnectedTooLong() > timedOut;
    };
    if (attempt < SHORT_OUTAGE_TRIES && await tooLong()) {
      note(`short outage attempt ${attempt}: ZooKeeper back after ${upAt - killedAt} ms, not short for ${disconnectedTooLong() - timedOut} broker(s); again`);
      await expectNoSilentEmpties(killedAt, await servedAfter());
      continue;
    }
    expect(upAt - killedAt).toBeLessThan(SESSION_TIMEOUT_MS); // the premise of this scenario
    const servedAt = await servedAfter();
    note(`short outage: every partition served ${servedAt - upAt} ms after ZooKeeper's return`);
    expect(servedAt - upAt).toBeLessThan(SLACK_MS);
    await expectNoSilentEmpties(killedAt, servedAt);
    await converged();
    expect(await ownerEpochs()).toEqual(epochs); // nobody took a partition over
    expect(sessionLossesLogged()).toBe(losses);
    return;
  }
});

it('ZooKeeper down longer than the session timeout: sessions expire, everything rejoins, every partition served within session timeout + a few seconds', async () => {
  await converged();
  await fillBacklog();
  const losses = sessionLossesLogged();
  const { killedAt, upAt } = await restartZooKeeper(SESSION_TIMEOUT_MS + 1500, async () => {
    // The gateway's /health says so: still `healthy` (a stale view counts only past the session
    // timeout + readiness grace, docs/health.md), the routing part unhealthy once its session is given up.
    await eventually(async () => {
      const h = await gatewayHealth();
      expect(h.healthy).toBe(true);
      expect(h.dequeueRouting).toMatchObject({ healthy: false, zookeeper: 'LOST', viewFresh: false });
      expect(h.dequeueRouting.detail).toMatch(/^ZooKeeper LOST for .* s: dequeues are routed by the last known view/);
    }, { timeoutMs: SESSION_TIMEOUT_MS + 1000, intervalMs: 50 });
  });
  const servedAt = await allPartitionsServedSince(upAt);
  note(`long outage: every partition served ${servedAt - upAt} ms after ZooKeeper's return`);
  expect(servedAt - upAt).toBeLessThan(SESSION_TIMEOUT_MS + SLACK_MS);
  await expectNoSilentEmpties(killedAt, servedAt);
  const s = await converged();
  expect(CONTROLLERS).toContain(s.leader);
  expect(sessionLossesLogged()).toBeGreaterThanOrEqual(losses + BROKERS.length); // every broker gave its session up and rejoined
  const h = await gatewayHealth();
  expect(h.dequeueRouting).toMatchObject({ zookeeper: 'CONNECTED', viewFresh: true });
});

it('a ZooKeeper restart while the leader controller is being replaced: the standby leads within the session timeout of ZooKeeper\'s return', async () => {
  await converged();
  await fillBacklog();
  const oldLeader = (await clusterStatus()).leader as string;
  await procs.kill(controllers.get(oldLeader) as ClusterProcess);
  const { killedAt, upAt } = await restartZooKeeper(500);
  const standby = CONTROLLERS.find((c) => c !== oldLeader) as string;
  await eventually(async () => expect((await clusterStatus()).leader).toBe(standby), WAIT);
  note(`leadership change: ${standby} leads ${Date.now() - upAt} ms after ZooKeeper's return`);
  expect(Date.now() - upAt).toBeLessThan(SESSION_TIMEOUT_MS + SLACK_MS);
  const servedAt = await allPartitionsServedSince(upAt);
  expect(servedAt - upAt).toBeLessThan(SESSION_TIMEOUT_MS + SLACK_MS);
  await expectNoSilentEmpties(killedAt, servedAt);
  controllers.set(oldLeader, await procs.startController(oldLeader)); // back as a standby
  await converged();
});

it('two ZooKeeper restarts in a row, the second while the cluster is still recovering', async () => {
  await converged();
  await fillBacklog();
  const first = await restartZooKeeper(SESSION_TIMEOUT_MS + 1000);
  await new Promise((r) => setTimeout(r, 1000)); // mid-recovery: sessions are being re-established
  const second = await restartZooKeeper(SESSION_TIMEOUT_MS + 1000);
  const servedAt = await allPartitionsServedSince(second.upAt);
  note(`double restart: every partition served ${servedAt - second.upAt} ms after ZooKeeper's second return`);
  expect(servedAt - second.upAt).toBeLessThan(SESSION_TIMEOUT_MS + SLACK_MS);
  await expectNoSilentEmpties(first.killedAt, servedAt);
  await converged();
});

it('every job enqueued was handed out exactly once and acked; none lost', async () => {
  await load.stop();
  await drainPending();
  // Jobs claimed by a broker whose reply never reached the gateway (a broker call timed out during
  // a fault) stay IN_PROGRESS until the claim timeout; they were never handed to a client. An
  // explicit monitor pass (PinLater's claim timeout, made immediate) offers them again.
  const [orphanRows] = await db.query('SELECT id FROM jobs WHERE state = ?', [JobState.IN_PROGRESS]);
  const orphans = (orphanRows as Array<{ id: number }>).map((r) => Number(r.id));
  const handedIds = new Set([...load.handed.keys()].map((d) => parsePacerDescriptor(d)?.id));
  for (const id of orphans) expect(handedIds.has(id)).toBe(false);
  if (orphans.length > 0) {
    recovery = await createPacerBackend({ topology: { mode: 'embedded' }, mysql: fx.mysql, applyMigrations: false, monitor: { claimTimeoutMs: 1 } });
    await new Promise((r) => setTimeout(r, 5)); // every orphan's claim is now older than 1 ms
    const report = await recovery.runMonitorOnce();
    expect(Object.values(report.queues).reduce((n, q) => n + q.timeoutRetry, 0)).toBe(orphans.length);
    await drainPending();
  }
  expect(load.enqueueErrors).toEqual([]);
  expect(load.duplicates()).toEqual([]);
  // Dequeues refused during the faults said so (no shard can serve / broker unreachable), nothing else.
  const codes = new Set(load.dequeueErrors.map((e) => Number(e.what.split(' ')[0])));
  for (const code of codes) expect([ErrorCode.NO_HEALTHY_SHARDS, ErrorCode.SHARD_CONNECTION_FAILED]).toContain(code);
  // Refusals age out of /health's window; the routing part is healthy again.
  await eventually(async () => expect((await gatewayHealth()).dequeueRouting).toMatchObject({ healthy: true, detail: 'ok' }), { timeoutMs: 15_000, intervalMs: 200 });
  const [states] = await db.query('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state');
  const byState = new Map((states as Array<{ state: number; n: number }>).map((r) => [Number(r.state), Number(r.n)]));
  const total = [...byState.values()].reduce((a, b) => a + b, 0);
  expect(total).toBe(load.enqueued);
  expect(byState.get(JobState.SUCCEEDED)).toBe(total); // none lost, every one acked
  expect(load.handed.size).toBe(total); // every one handed out, none twice (duplicates above)
  note(`jobs: ${total}, orphans recovered by the claim timeout: ${orphans.length}, dequeues refused during faults: ${load.dequeueErrors.length}`);
});

/** Dequeues and acks until nothing is PENDING. */
async function drainPending(): Promise<void> {
  await eventually(async () => {
    while ((await load.dequeueAndAck('drain', 100)) > 0);
    const [rows] = await db.query('SELECT COUNT(*) AS n FROM jobs WHERE state = ?', [JobState.PENDING]);
    expect(Number((rows as Array<{ n: number }>)[0]?.n)).toBe(0);
  }, WAIT);
}
