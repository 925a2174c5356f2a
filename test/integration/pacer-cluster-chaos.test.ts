/**
 * THE Pacer cluster chaos test: real ZooKeeper (fresh chroot), real MariaDB (fresh database),
 * 3 brokers and 2 controllers as separate processes, a gateway-side Pacer backend in this process
 * routing by the external view, and continuous enqueue/dequeue/ack load from 4 client loops.
 * In sequence: kill -9 a broker, kill -9 the leader controller, add a broker, rolling-restart every
 * broker (SIGTERM, wait, start), SIGSTOP a broker past its session timeout then SIGCONT (with a
 * stale dequeue sent straight to it while it is stopped: the datastore epoch check must refuse).
 *
 * Afterwards: every job enqueued was handed out and acked (all SUCCEEDED in MySQL), no job was
 * handed out twice (brokers run with a claim timeout far above the test's duration, so the
 * monitor never re-offers a job during the run), and throughout the run no partition was ONLINE
 * on two live instances in the external view; after each step the assignment is balanced
 * (at most one partition apart per queue). Jobs whose claim committed while the broker died
 * before replying ("orphans": claimed, never received by a client) are counted, checked to be
 * unseen by any client, and recovered by an explicit monitor pass — PinLater's claim timeout.
 * The status command (`pacer/src/cli/status.ts`) is checked against the live cluster.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createPacerBackend, ThriftBrokerClient, type PacerBackend } from '../../pacer';
import { parsePacerDescriptor } from '../../pacer/src/descriptors/pacer-descriptor';
import { readClusterStatus, type ClusterStatus } from '../../pacer/src/coordination/cluster-status';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import { HelixPaths } from '../../pacer/src/coordination/helix-paths';
import { readRecord } from '../../pacer/src/coordination/record-store';
import { instanceEndpoint } from '../../pacer/src/coordination/helix-records';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { JobState } from '../../core/src/types/job-state';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { openMysql, type TestMysqlConnection } from '../support/mysql';
import { claimsRunning } from '../support/lock-waits';
import { zkChroot, type ZkChroot } from '../support/namespaces';
import { freshPacerDb, job, type PacerDb } from './pacer-fixtures';
import { ProcessGroup, type ClusterProcess } from '../support/pacer-processes';
import { CLAIMS_IN_FLIGHT } from '../../pacer/src/broker/claim-batcher';

jest.setTimeout(180_000);

const CLUSTER = 'pacer';
const SESSION_TIMEOUT_MS = 4000;
/** chaos_fence holds jobs nobody dequeues until the end: the stale claims of step 5 target them. */
const FENCE_QUEUE = 'chaos_fence';
const QUEUES: Record<string, number> = { chaos_a: 6, chaos_b: 4, [FENCE_QUEUE]: 4 };
const LOAD_QUEUES = ['chaos_a', 'chaos_b'];
const CLIENTS = 4;
const WAIT = { timeoutMs: 30_000, intervalMs: 50 };
const paths = new HelixPaths(CLUSTER);

let fx: PacerDb;
let chroot: ZkChroot;
let admin: ZkClient;
let backend: PacerBackend;
let recovery: PacerBackend | undefined;
let procs: ProcessGroup;
let db: TestMysqlConnection;
let evTimer: NodeJS.Timeout | undefined;
let activeLoad: Load | undefined;
const evViolations: string[] = [];

beforeAll(async () => {
  fx = await freshPacerDb();
  chroot = await zkChroot();
  admin = await NodeZkClient.connect({ connectString: chroot.connectString, sessionTimeoutMs: 10_000 });
  db = await openMysql(fx.db.name);
  procs = new ProcessGroup({
    zkConnect: chroot.connectString, cluster: CLUSTER, database: fx.db.name, sessionTimeoutMs: SESSION_TIMEOUT_MS,
    brokerArgs: ['--claim-timeout-ms', '600000', '--safety-sweep-ms', '1000', '--drain-linger-ms', '300'],
  });
});

afterAll(async () => {
  if (evTimer) clearInterval(evTimer);
  await activeLoad?.stop();
  await procs?.close();
  await recovery?.close();
  await backend?.close();
  await db?.end();
  await admin?.close();
  await chroot?.remove();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

/** Polls the external view and live instances; any partition ONLINE on two live instances is a violation. */
function watchExternalView(): void {
  let busy = false;
  evTimer = setInterval(() => {
    if (busy) return;
    busy = true;
    readClusterStatus(admin, CLUSTER)
      .then((s) => {
        for (const rows of Object.values(s.queues)) for (const r of rows) if (r.online.length > 1) evViolations.push(`${r.partition}: ${r.online.join(',')}`);
      })
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, 50);
}

/** Every partition ONLINE on exactly one of `brokers` (all of them live), balanced per queue, nothing in flight. */
async function expectConverged(brokers: string[]): Promise<ClusterStatus> {
  const s = await readClusterStatus(admin, CLUSTER);
  expect(s.liveInstances).toEqual([...brokers].sort());
  expect(s.unowned).toEqual([]);
  expect(s.pendingMessages).toBe(0);
  for (const [queue, n] of Object.entries(QUEUES)) {
    const rows = s.queues[queue] ?? [];
    expect(rows).toHaveLength(n);
    const counts = new Map(brokers.map((b) => [b, 0]));
    for (const r of rows) {
      expect(r.online).toHaveLength(1);
      const owner = r.online[0] as string;
      expect(brokers).toContain(owner);
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
  }
  return s;
}

function converged(brokers: string[]): Promise<ClusterStatus> {
  return eventually(() => expectConverged(brokers), WAIT);
}

function partitionsOf(s: ClusterStatus, broker: string): Array<{ queue: string; partition: number }> {
  const out: Array<{ queue: string; partition: number }> = [];
  for (const [queue, rows] of Object.entries(s.queues)) {
    rows.forEach((r, partition) => {
      if (r.online.includes(broker)) out.push({ queue, partition });
    });
  }
  return out;
}

/** The continuous load: enqueue, dequeue, record every hand-out, ack it (acks retried until they land). */
class Load {
  readonly handed = new Map<string, number>();
  enqueued = 0;
  acked = 0;
  enqueueErrors = 0;
  dequeueErrors = 0;
  private stopped = false;
  private loops: Array<Promise<void>> = [];

  start(): void {
    this.loops = Array.from({ length: CLIENTS }, (_, i) => this.loop(i));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  record(descriptors: string[]): void {
    for (const d of descriptors) this.handed.set(d, (this.handed.get(d) ?? 0) + 1);
  }

  duplicates(): string[] {
    return [...this.handed].filter(([, n]) => n > 1).map(([d]) => d);
  }

  /** Waits until `n` more jobs were acked (the load keeps flowing). */
  async progress(n: number): Promise<void> {
    const target = this.acked + n;
    await eventually(() => expect(this.acked).toBeGreaterThanOrEqual(target), WAIT);
  }

  /** Dequeues and acks once from `queue`; resolves with the number of jobs handed out. */
  async dequeueAndAck(b: PacerBackend, queue: string, worker: string): Promise<number> {
    let jobs;
    try {
      ({ jobs } = await b.dequeueJobs({ queue, limit: 8, dryRun: false, coverage: 1, claimDescriptor: `chaos:${worker}` }));
    } catch {
      this.dequeueErrors += 1;
      return 0;
    }
    this.record(jobs.map((j) => j.descriptor));
    if (jobs.length === 0) return 0;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await b.ackDequeuedJobs({ queue, succeeded: jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] });
        break;
      } catch (e) {
        if (attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.acked += jobs.length;
    return jobs.length;
  }

  private async loop(i: number): Promise<void> {
    const names = LOAD_QUEUES;
    for (let round = 0; !this.stopped; round += 1) {
      const queue = names[(round + i) % names.length] as string;
      try {
        const ds = await backend.enqueueJobs({ queue, jobs: Array.from({ length: 4 }, (_, k) => job(`c${i}r${round}k${k}`, { attemptsAllowed: 3 })) });
        this.enqueued += ds.length;
      } catch {
        this.enqueueErrors += 1;
      }
      const got = await this.dequeueAndAck(backend, queue, `w${i}`);
      if (got === 0) await new Promise((r) => setTimeout(r, 20)); // pace an idle client
    }
  }
}

function idOf(descriptor: string): number {
  const ref = parsePacerDescriptor(descriptor);
  if (ref === undefined) throw new Error(`not a Pacer descriptor: ${descriptor}`);
  return ref.id;
}

/**
 * Jobs per state as clients read them (the product's read path: a job a claim lease holds reads
 * IN_PROGRESS though its row is PENDING), over every queue, current and future.
 */
async function jobStates(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const states = [JobState.PENDING, JobState.IN_PROGRESS, JobState.SUCCEEDED, JobState.FAILED];
  for (const queue of await backend.getQueueNames()) {
    for (const state of states) {
      for (const future of [false, true]) out.set(state, (out.get(state) ?? 0) + await backend.getJobCount({ queue, state, future }));
    }
  }
  return out;
}

/** Ids of the jobs clients read in `state` (scanJobs over every queue, current and future). */
async function idsInState(state: JobState): Promise<number[]> {
  const ids: number[] = [];
  for (const queue of await backend.getQueueNames()) {
    for (const future of [false, true]) ids.push(...(await backend.scanJobs({ queue, state, future, limit: 100_000 })).map((j) => idOf(j.descriptor)));
  }
  return ids;
}

/** Dequeues until no job is PENDING (the cluster is stable). */
async function drainPending(load: Load, b: PacerBackend): Promise<void> {
  await eventually(async () => {
    for (const q of Object.keys(QUEUES)) while ((await load.dequeueAndAck(b, q, 'drain')) > 0);
    expect((await jobStates()).get(JobState.PENDING) ?? 0).toBe(0);
  }, WAIT);
}

function step(what: string, t0: number): void {
  if (process.env.CHAOS_VERBOSE) process.stdout.write(`[chaos +${((Date.now() - t0) / 1000).toFixed(1)}s] ${what}\n`);
}


/** `npx tsx pacer/src/cli/status.ts` (as one node process) against the test's cluster. */
function runStatus(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'pacer/src/cli/status.ts', '--zk', chroot.connectString, '--cluster', CLUSTER],
      { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

async function leaderName(): Promise<string | undefined> {
  return (await readRecord(admin, paths.controllerLeader()))?.record.id;
}

it('survives kill -9, leader loss, scale-out, a rolling restart and a SIGSTOP without losing or double-serving a job', async () => {
  const t0 = Date.now();
  const controllers = new Map<string, ClusterProcess>();
  for (const name of ['controller-1', 'controller-2']) controllers.set(name, await procs.startController(name));
  backend = await createPacerBackend({
    mysql: fx.mysql, topology: { mode: 'zookeeper', connect: chroot.connectString, cluster: CLUSTER, brokerCallTimeoutMs: 2000 },
    monitor: { claimTimeoutMs: 600_000 },
  });
  for (const [q, n] of Object.entries(QUEUES)) await backend.createQueueWithOptions(q, { numPartitions: n });
  const fenceJobs = await backend.enqueueJobs({ queue: FENCE_QUEUE, jobs: Array.from({ length: 80 }, (_, i) => job(`fence${i}`, { attemptsAllowed: 3 })) });
  const brokers = new Map<string, ClusterProcess>();
  for (const id of ['broker-0', 'broker-1', 'broker-2']) brokers.set(id, await procs.startBroker(id));
  watchExternalView();
  await converged(['broker-0', 'broker-1', 'broker-2']);

  const load = new Load();
  activeLoad = load;
  load.start();
  await load.progress(200);

  step('1. kill -9', t0);
  // 1. kill -9 a broker: its partitions fail over to the survivors.
  await procs.kill(brokers.get('broker-1') as ClusterProcess);
  brokers.delete('broker-1');
  await converged(['broker-0', 'broker-2']);
  await load.progress(100);

  step('2. kill -9', t0);
  // 2. kill -9 the leader controller: the other one takes over (and keeps assigning, step 3).
  const oldLeader = await leaderName();
  expect(oldLeader).toBeDefined();
  await procs.kill(controllers.get(oldLeader as string) as ClusterProcess);
  await eventually(async () => {
    const now = await leaderName();
    expect(now).toBeDefined();
    expect(now).not.toBe(oldLeader);
  }, WAIT);
  controllers.set(oldLeader as string, await procs.startController(oldLeader as string)); // back as standby

  step('3. add', t0);
  // 3. add a broker: it takes its share (balanced), the others keep theirs.
  brokers.set('broker-3', await procs.startBroker('broker-3'));
  await converged(['broker-0', 'broker-2', 'broker-3']);
  await load.progress(100);

  step('4. rolling', t0);
  // 4. rolling restart: SIGTERM (graceful drain), wait for the exit, start again.
  for (const id of ['broker-0', 'broker-2', 'broker-3']) {
    expect(await procs.stop(brokers.get(id) as ClusterProcess)).toBe(0);
    await converged([...brokers.keys()].filter((b) => b !== id));
    brokers.set(id, await procs.startBroker(id));
    await converged([...brokers.keys()]);
    await load.progress(50);
  }

  step('5. SIGSTOP', t0);
  // 5. SIGSTOP a broker past its session timeout, then SIGCONT. Its ZooKeeper session guard drops
  // every partition the moment it runs again; the datastore epoch check is the last line behind
  // it. To exercise that line for real, the victim (a broker with two chaos_fence partitions, g
  // and f) gets a claim it cannot send before the takeover: CLAIMS_IN_FLIGHT claims for g are held
  // in MySQL by the test's row locks, so the victim's claim of f waits in its claim batcher. The victim
  // is stopped, the controller gives f to another broker (a NEW epoch), the locks go, the victim
  // continues: its claim of f goes out with the stale epoch and must match nothing.
  const before = await expectConverged([...brokers.keys()]);
  const fenceRows = before.queues[FENCE_QUEUE] ?? [];
  const victim = [...brokers.keys()].find((b) => fenceRows.filter((r) => r.online[0] === b).length === 2) as string;
  const [g, f] = fenceRows.flatMap((r, i) => (r.online[0] === victim ? [i] : [])) as [number, number];
  const endpoint = instanceEndpoint((await readRecord(admin, paths.instanceConfig(victim)))?.record);
  if (endpoint === undefined) throw new Error('victim endpoint unknown');
  const [epochsBefore] = await db.query('SELECT queue, part, epoch FROM partition_owners WHERE owner_id = ?', [victim]);
  expect((epochsBefore as unknown[]).length).toBe(partitionsOf(before, victim).length);
  const fEpoch = Number((epochsBefore as Array<{ queue: string; part: number; epoch: number }>).find((r) => r.queue === FENCE_QUEUE && Number(r.part) === f)?.epoch);
  const stopped = brokers.get(victim) as ClusterProcess;
  const locker = await openMysql(fx.db.name);
  const stale = new ThriftBrokerClient(60_000);
  const buffered = async (): Promise<number> =>
    (await stale.status(endpoint)).partitions.find((p) => p.queue === FENCE_QUEUE && p.partition === f)?.buffered ?? -1;
  let gateReplies;
  let probeReply;
  try {
    await locker.query('START TRANSACTION');
    // The job rows themselves (the body is not in any index): a lease claim only reads them, by PRIMARY.
    await locker.query('SELECT id, body FROM jobs WHERE queue = ? AND part = ? FOR UPDATE', [FENCE_QUEUE, g]);
    const gateClaims = (): Promise<number> => claimsRunning(db, fx.db.name, 'chaos:stale-gate'); // held by those row locks
    const gates: Array<ReturnType<ThriftBrokerClient['dequeue']>> = [];
    for (let i = 1; i <= CLAIMS_IN_FLIGHT; i += 1) { // one by one, so each is its own claim statement
      const gate = stale.dequeue(endpoint, { queue: FENCE_QUEUE, partitions: [g], priorities: [1, 2, 3], limit: 1, claimDescriptor: `chaos:stale-gate-${i}` });
      gate.catch(() => undefined);
      gates.push(gate);
      await eventually(async () => expect(await gateClaims()).toBe(i), WAIT).catch(async (e: unknown) => {
        const [pl] = await db.query("SELECT TIME, STATE, INFO FROM information_schema.PROCESSLIST WHERE DB = ? AND COMMAND = 'Query'", [fx.db.name]);
        throw new Error(`${String(e)}\nqueries: ${JSON.stringify(pl)}\nvictim: ${stopped.output.slice(-1500)}`);
      }); // held in MySQL
    }
    const bufferedBefore = await buffered();
    expect(bufferedBefore).toBeGreaterThan(0);
    const probe = stale.dequeue(endpoint, { queue: FENCE_QUEUE, partitions: [f], priorities: [1, 2, 3], limit: 1, claimDescriptor: 'chaos:stale-probe' });
    probe.catch(() => undefined);
    await eventually(async () => expect(await buffered()).toBe(bufferedBefore - 1), WAIT); // taken: its claim waits in the batcher
    stopped.signal('SIGSTOP');
    await eventually(async () => {
      const [rows] = await db.query('SELECT owner_id, epoch FROM partition_owners WHERE queue = ? AND part = ?', [FENCE_QUEUE, f]);
      const row = (rows as Array<{ owner_id: string | null; epoch: number }>)[0];
      expect(row?.owner_id).not.toBe(victim);
      expect(Number(row?.epoch)).toBeGreaterThan(fEpoch);
    }, WAIT); // f taken over by another broker while the victim is stopped
    await locker.query('ROLLBACK');
    await eventually(async () => expect(await gateClaims()).toBe(0), WAIT);
    stopped.signal('SIGCONT');
    gateReplies = await Promise.all(gates);
    probeReply = await probe;
  } finally {
    await stale.close();
    await locker.end();
  }
  // The claims of g committed before g's takeover (they held its ownership row): legitimate hand-outs.
  for (const reply of gateReplies) {
    load.record(reply.jobs.map((j) => j.descriptor));
    if (reply.jobs.length > 0) {
      await backend.ackDequeuedJobs({ queue: FENCE_QUEUE, succeeded: reply.jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] });
    }
  }
  load.record(probeReply.jobs.map((j) => j.descriptor));
  expect(probeReply.jobs).toEqual([]); // the stale claim of f handed out nothing ...
  await eventually(() => expect(stopped.logLines('fenced: a newer owner took the partition').length).toBeGreaterThanOrEqual(1), WAIT); // ... because MySQL fenced it
  await stopped.waitFor('participant session lost');
  await converged([...brokers.keys()]);
  await load.progress(50);
  const [ownersAfter] = await db.query('SELECT queue, part, epoch FROM partition_owners');
  for (const old of epochsBefore as Array<{ queue: string; part: number; epoch: number }>) {
    const now = (ownersAfter as Array<{ queue: string; part: number; epoch: number }>).find((r) => r.queue === old.queue && r.part === old.part);
    expect(Number(now?.epoch)).toBeGreaterThan(Number(old.epoch)); // every partition was taken over with a NEW epoch
  }
  const fenced = stopped.logLines('fenced: a newer owner took the partition').length;

  // The operator's status command against the live cluster: table, leader, no unowned partitions.
  const status = await runStatus();
  expect(status.code).toBe(0);
  expect(status.out).toMatch(new RegExp(`leader: +(${[...controllers.keys()].join('|')})`));
  expect(status.out).toMatch(/unowned: +none/);
  const live = await expectConverged([...brokers.keys()]);
  for (const [queue, rows] of Object.entries(live.queues)) {
    rows.forEach((r, n) => expect(status.out).toMatch(new RegExp(`${queue}_${n} +${r.online[0]} `)));
  }

  step('Wind down', t0);
  // Wind down: stop the load, serve what is left, then check every job.
  await load.stop();
  await drainPending(load, backend);
  const orphans = await idsInState(JobState.IN_PROGRESS);
  const handedIds = new Set([...load.handed.keys()].map((d) => idOf(d)));
  for (const id of orphans) expect(handedIds.has(id)).toBe(false); // claimed, never received: not a double hand-out
  if (orphans.length > 0) {
    recovery = await createPacerBackend({
      mysql: fx.mysql, topology: { mode: 'zookeeper', connect: chroot.connectString, cluster: CLUSTER }, applyMigrations: false, monitor: { claimTimeoutMs: 1 },
    });
    await new Promise((r) => setTimeout(r, 5)); // claimTimeoutMs = 1: every orphan's claim is older than that now
    const report = await recovery.runMonitorOnce();
    const retried = Object.values(report.queues).reduce((n, q) => n + q.timeoutRetry, 0);
    expect(retried).toBe(orphans.length);
    await drainPending(load, backend);
  }

  const states = await jobStates();
  const total = [...states.values()].reduce((a, b) => a + b, 0);
  expect(load.enqueueErrors).toBe(0);
  expect(total).toBe(load.enqueued + fenceJobs.length);
  expect(states.get(JobState.SUCCEEDED)).toBe(total); // none lost, every one acked
  const finalHanded = new Set([...load.handed.keys()].map((d) => idOf(d)));
  const [allIds] = await db.query('SELECT id FROM jobs');
  const neverHanded = (allIds as Array<{ id: number }>).map((r) => Number(r.id)).filter((id) => !finalHanded.has(id));
  expect(neverHanded).toEqual([]);
  expect(load.duplicates()).toEqual([]); // nothing handed out twice
  expect(evViolations).toEqual([]);
  process.stdout.write(`${JSON.stringify({
    seconds: (Date.now() - t0) / 1000, enqueued: load.enqueued, handedOut: load.handed.size, dequeueErrors: load.dequeueErrors,
    orphansRecoveredByClaimTimeout: orphans.length, fencedClaimsOfStoppedBroker: fenced,
  })}\n`);
});
