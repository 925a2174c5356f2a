/**
 * Partition-count changes flow through ideal states (issue "Pacer cluster"), end to end: real
 * ZooKeeper (fresh chroot), real MariaDB (fresh database), an in-process controller, two
 * in-process brokers behind real Thrift servers (cluster mode, as broker/main.ts wires them) and
 * the gateway-side `ClusteredPacerBackend` from the public `createPacerBackend`.
 *
 * A queue served by both brokers is grown 3 → 7 with `setQueuePartitions` while a client keeps
 * enqueueing, dequeueing and acking: the new partitions become ONLINE on live brokers (balanced,
 * at most one apart), they get new owner epochs in MySQL, jobs enqueued to them are dequeued,
 * and every job (from before, during and after the growth) is handed out exactly once and acked.
 * Shrinking is refused with a PinLaterError and changes nothing (MySQL, ideal state, routing).
 */
import { ClusteredPacerBackend, createPacerBackend, type PacerBackend } from '../../pacer';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import { ErrorCode } from '../../core/src/errors/error-code';
import { JobState } from '../../core/src/types/job-state';
import { parsePacerDescriptor } from '../../pacer/src/descriptors/pacer-descriptor';
import { readClusterStatus, type ClusterStatus } from '../../pacer/src/coordination/cluster-status';
import { HelixPaths, partitionName } from '../../pacer/src/coordination/helix-paths';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import { readRecord } from '../../pacer/src/coordination/record-store';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { openMysql, type TestMysqlConnection } from '../support/mysql';
import { zkChroot, type ZkChroot } from '../support/namespaces';
import { freshPacerDb, job, type PacerDb } from './pacer-fixtures';
import { InProcessBroker, startController, type ClusterTarget, type InProcessController } from './pacer-cluster/in-process-members';
import { seededRandom as seeded } from '../support/seeded-random';

jest.setTimeout(60_000);

const CLUSTER = 'pacer';
const QUEUE = 'grow';
const BROKERS = ['broker-0', 'broker-1'];
const WAIT = { timeoutMs: 15_000, intervalMs: 50 };
const paths = new HelixPaths(CLUSTER);

let fx: PacerDb;
let chroot: ZkChroot;
let admin: ZkClient;
let db: TestMysqlConnection;
let controller: InProcessController | undefined;
const brokers: InProcessBroker[] = [];
let backend: PacerBackend | undefined;
let load: Load | undefined;

beforeAll(async () => {
  fx = await freshPacerDb();
  chroot = await zkChroot();
  admin = await NodeZkClient.connect({ connectString: chroot.connectString, sessionTimeoutMs: 10_000 });
  db = await openMysql(fx.db.name);
  const target: ClusterTarget = { zkConnect: chroot.connectString, cluster: CLUSTER, sessionTimeoutMs: 4000 };
  backend = await createPacerBackend({
    mysql: fx.mysql, topology: { mode: 'zookeeper', connect: chroot.connectString, cluster: CLUSTER }, applyMigrations: false, random: seeded(42),
  });
  controller = await startController('controller-1', target);
  for (const id of BROKERS) brokers.push(await InProcessBroker.start(id, target, fx));
});

afterAll(async () => {
  await load?.stop();
  await backend?.close();
  for (const b of brokers) await b.stop(5000);
  await controller?.close();
  await db?.end();
  await admin?.close();
  await chroot?.remove();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

/** Every partition below `n` ONLINE on exactly one live broker, per-queue counts at most one apart. */
async function expectServedBalanced(n: number): Promise<ClusterStatus> {
  const s = await readClusterStatus(admin, CLUSTER);
  expect(s.liveInstances).toEqual(BROKERS);
  expect(s.unowned).toEqual([]);
  const rows = s.queues[QUEUE] ?? [];
  expect(rows.map((r) => r.partition)).toEqual(Array.from({ length: n }, (_, i) => partitionName(QUEUE, i)));
  const counts = new Map(BROKERS.map((b) => [b, 0]));
  for (const r of rows) {
    expect(r.online).toHaveLength(1);
    expect(BROKERS).toContain(r.online[0]);
    expect(r.target).toBe(r.online[0]); // persisted best possible = what is served
    counts.set(r.online[0] as string, (counts.get(r.online[0] as string) ?? 0) + 1);
  }
  expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
  return s;
}

async function jobsPerPartition(): Promise<Map<number, number>> {
  const [rows] = await db.query('SELECT part, COUNT(*) AS n FROM jobs WHERE queue = ? GROUP BY part', [QUEUE]);
  return new Map((rows as Array<{ part: number; n: number }>).map((r) => [Number(r.part), Number(r.n)]));
}

async function jobStates(): Promise<Map<number, number>> {
  const [rows] = await db.query('SELECT state, COUNT(*) AS n FROM jobs WHERE queue = ? GROUP BY state', [QUEUE]);
  return new Map((rows as Array<{ state: number; n: number }>).map((r) => [Number(r.state), Number(r.n)]));
}

async function owners(): Promise<Array<{ part: number; owner: string | null; epoch: number }>> {
  const [rows] = await db.query('SELECT part, owner_id AS owner, epoch FROM partition_owners WHERE queue = ? ORDER BY part', [QUEUE]);
  return (rows as Array<{ part: number; owner: string | null; epoch: number }>).map((r) => ({ part: Number(r.part), owner: r.owner, epoch: Number(r.epoch) }));
}

/** A client that keeps enqueueing, dequeueing and acking; records every hand-out. */
class Load {
  readonly handed = new Map<string, number>();
  enqueued = 0;
  rounds = 0;
  errors: string[] = [];
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(private readonly b: PacerBackend) {
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  async dequeueAndAck(limit: number): Promise<number> {
    const { jobs } = await this.b.dequeueJobs({ queue: QUEUE, limit, dryRun: false, coverage: 1, claimDescriptor: 'grow:worker' });
    for (const j of jobs) this.handed.set(j.descriptor, (this.handed.get(j.descriptor) ?? 0) + 1);
    if (jobs.length > 0) {
      await this.b.ackDequeuedJobs({ queue: QUEUE, succeeded: jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] });
    }
    return jobs.length;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        this.enqueued += (await this.b.enqueueJobs({ queue: QUEUE, jobs: [job(`load${this.rounds}a`), job(`load${this.rounds}b`)] })).length;
        await this.dequeueAndAck(4);
      } catch (e) {
        this.errors.push(String(e));
      }
      this.rounds += 1;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

it('grows a served queue 3 → 7: new partitions ONLINE and balanced, their jobs dequeued, none lost; shrinking refused', async () => {
  const b = backend as PacerBackend;
  expect(b).toBeInstanceOf(ClusteredPacerBackend); // the public API's cluster-mode backend
  const clustered = b as ClusteredPacerBackend;
  await clustered.createQueueWithOptions(QUEUE, { numPartitions: 3 });
  await eventually(() => expectServedBalanced(3), WAIT);

  const before = await b.enqueueJobs({ queue: QUEUE, jobs: Array.from({ length: 30 }, (_, i) => job(`before${i}`)) });
  expect([...(await jobsPerPartition()).keys()].every((p) => p < 3)).toBe(true);
  const epochsBefore = await owners();
  expect(epochsBefore.map((o) => o.part)).toEqual([0, 1, 2]);

  // Grow while a client keeps the queue busy.
  load = new Load(b);
  await eventually(() => expect(load?.rounds).toBeGreaterThanOrEqual(10), WAIT);
  // While it grows, the queue's published count (what enqueues and dequeues use) reaches 7 only
  // once every new partition is served: never a moment where jobs land where no broker dequeues.
  const violations: string[] = [];
  let grown = false;
  const growing = clustered.setQueuePartitions(QUEUE, 7).finally(() => {
    grown = true;
  });
  while (!grown) {
    const [rows] = await db.query('SELECT num_partitions AS n FROM queues WHERE name = ?', [QUEUE]);
    const published = Number((rows as Array<{ n: number }>)[0]?.n);
    const servedNow = published > 3 ? ((await readClusterStatus(admin, CLUSTER)).queues[QUEUE] ?? []).filter((r) => r.online.length > 0).length : 0;
    if (published > 3 && servedNow < published) violations.push(`published ${published} partitions while ${servedNow} were served`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await growing;
  expect(violations).toEqual([]);

  const is = await readRecord(admin, paths.idealState(QUEUE));
  expect(is?.record.simpleFields.NUM_PARTITIONS).toBe('7');
  expect(Object.keys(is?.record.listFields ?? {}).sort()).toEqual(Array.from({ length: 7 }, (_, i) => partitionName(QUEUE, i)).sort());
  const served = await eventually(() => expectServedBalanced(7), WAIT);
  // New partitions were taken with a fresh owner epoch by the broker the external view names.
  await eventually(async () => {
    const now = await owners();
    expect(now.map((o) => o.part)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const o of now) {
      expect(o.owner).toBe(served.queues[QUEUE]?.[o.part]?.online[0]);
      expect(o.epoch).toBeGreaterThanOrEqual(1);
    }
    for (const old of epochsBefore) expect(now[old.part]?.epoch).toBeGreaterThanOrEqual(old.epoch); // old partitions not disturbed backwards
  }, WAIT);
  const roundsAtGrowth = load.rounds;
  await eventually(() => expect(load?.rounds).toBeGreaterThanOrEqual(roundsAtGrowth + 10), WAIT);

  // Jobs enqueued after the growth land in the new partitions too.
  const after = await b.enqueueJobs({ queue: QUEUE, jobs: Array.from({ length: 70 }, (_, i) => job(`after${i}`)) });
  const perPart = await jobsPerPartition();
  for (let p = 3; p < 7; p++) expect(perPart.get(p) ?? 0).toBeGreaterThan(0);

  await load.stop();
  const l = load;
  load = undefined;
  expect(l.errors).toEqual([]);

  // Serve everything left: every job handed out exactly once and acked, including the new partitions'.
  await eventually(async () => {
    while ((await l.dequeueAndAck(20)) > 0);
    expect((await jobStates()).get(JobState.PENDING) ?? 0).toBe(0);
  }, WAIT);
  const total = before.length + after.length + l.enqueued;
  const states = await jobStates();
  expect(states.get(JobState.SUCCEEDED)).toBe(total);
  expect([...states.values()].reduce((x, y) => x + y, 0)).toBe(total);
  expect([...l.handed.values()].filter((n) => n > 1)).toEqual([]);
  for (const d of [...before, ...after]) expect(l.handed.get(d)).toBe(1);
  const handedNew = [...l.handed.keys()].filter((d) => (parsePacerDescriptor(d)?.partition ?? -1) >= 3);
  const finalPerPart = await jobsPerPartition();
  const inNew = [3, 4, 5, 6].reduce((n, p) => n + (finalPerPart.get(p) ?? 0), 0);
  expect(inNew).toBeGreaterThanOrEqual(40);
  expect(handedNew).toHaveLength(inNew); // every job of a new partition was dequeued from it

  // Shrinking is refused (jobs of removed partitions would be stranded) and changes nothing.
  const refused = await clustered.setQueuePartitions(QUEUE, 5).then(() => undefined, (e: unknown) => e);
  expect(refused).toBeInstanceOf(PinLaterError);
  expect((refused as PinLaterError).code).toBe(ErrorCode.UNKNOWN);
  expect((refused as PinLaterError).message).toBe(`Queue ${QUEUE}: partitions can only grow (7 → 5 refused)`);
  expect((await readRecord(admin, paths.idealState(QUEUE)))?.record.simpleFields.NUM_PARTITIONS).toBe('7');
  expect((await owners()).map((o) => o.part)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  const [qrow] = await db.query('SELECT num_partitions FROM queues WHERE name = ?', [QUEUE]);
  expect(Number((qrow as Array<{ num_partitions: number }>)[0]?.num_partitions)).toBe(7);
  await expectServedBalanced(7);
  const extra = await b.enqueueJobs({ queue: QUEUE, jobs: [job('post-refusal')] });
  await eventually(async () => {
    await l.dequeueAndAck(5);
    expect(l.handed.get(extra[0] as string)).toBe(1);
  }, WAIT);
});
