/**
 * Pacer dequeue brokers in-process: FIFO on a one-partition queue, concurrent dequeuers, fencing
 * (a second broker takes over; the first one's claims are rejected by MySQL and it hands out
 * nothing), no hot polling, a broker unreachable.
 */
import {
  BrokerServer, ThriftBrokerClient, createDequeueBroker, createPacerBackend, InProcessBrokerClient, StaticPartitionDirectory, listOwners, createMysqlPool,
  type DequeueBroker, type PacerBackend,
} from '../../pacer';
import { ErrorCode } from '../../core/src/errors/error-code';
import { silentLogger } from '../../core/src/logging/logger';
import { JobState } from '../../core/src/types/job-state';
import { assertNoLeaks } from '../support/leak-check';
import { eventually } from '../support/eventually';
import { openMysql, withMysql } from '../support/mysql';
import { claimsRunning } from '../support/lock-waits';
import type { RowDataPacket } from 'mysql2/promise';
import { connect } from 'node:net';
import type { DequeuedJob } from '../../core/src/types/job';
import thriftRuntime from 'thrift';
import PacerBroker from '../../pacer/src/generated/PacerBroker';
import ttypes from '../../pacer/src/generated/broker_types';
import { ackSucceeded } from '../../pacer/src/datastore/job-acks';
import { CLAIM_MODES, CLAIMS_IN_FLIGHT, DEFAULT_CLAIM_MODE, type ClaimMode } from '../../pacer/src/broker/claim-batcher';
import { parsePacerDescriptor, type PacerJobRef } from '../../pacer/src/descriptors/pacer-descriptor';
import { ackLeasedSucceeded, type LeasedAck } from '../../pacer/src/datastore/lease-acks';
import type { BrokerDequeueArgs, BrokerDequeueReply } from '../../pacer/src/interfaces/broker-client';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

const A = { host: 'broker-a', port: 1 };
const B = { host: 'broker-b', port: 2 };

let fx: PacerDb;
let backend: PacerBackend;
let directory: StaticPartitionDirectory;
let client: InProcessBrokerClient;
const brokers: DequeueBroker[] = [];

function broker(id: string, claims: ClaimMode = DEFAULT_CLAIM_MODE, extra: { heldLeaseSweepMs?: number; leasesAllowed?: () => boolean } = {}): DequeueBroker {
  const b = createDequeueBroker({ brokerId: id, mysql: fx.mysql, safetySweepMs: 0, monitor: { enabled: false }, buffer: { capacityPerPriority: 50, lowWater: 10 }, claims, ...extra });
  brokers.push(b);
  return b;
}

/** The claim descriptor of each claimed job of `queue`, sorted: per-job claims (rows in state 1) and claim leases alike. */
async function claimsOf(db: { query: (text: string, params?: unknown[]) => Promise<unknown> }, queue: string): Promise<string[]> {
  const [rows] = (await db.query(
    `SELECT claim_descriptor AS d FROM jobs WHERE queue = ? AND state = 1
     UNION ALL SELECT l.claim_descriptor AS d FROM claim_leases l, JSON_TABLE(l.job_ids, '$[*]' COLUMNS (id BIGINT PATH '$')) t WHERE l.queue = ?`,
    [queue, queue])) as [Array<{ d: string }>];
  return rows.map((r) => r.d).sort();
}


/** Ready jobs written straight into Pacer's table (no notification), with their updated_at time. */
async function insertReadyJobs(queue: string, jobs: Array<[partition: number, body: string, updatedAtMs: number]>): Promise<void> {
  const at = Date.now() - 1000;
  await withMysql((db) => db.query('INSERT INTO jobs (queue, part, priority, state, attempts_allowed, attempts_remaining, custom_status, created_at_ms, updated_at_ms, run_after_ms, body) VALUES ?',
    [jobs.map(([part, body, updatedAtMs]) => [queue, part, 1, 0, 2, 2, '', at, updatedAtMs, at, Buffer.from(body)])]), fx.mysql.database);
}

beforeAll(async () => {
  fx = await freshPacerDb();
  directory = new StaticPartitionDirectory({ fallback: A });
  client = new InProcessBrokerClient();
  backend = await createPacerBackend({ mysql: fx.mysql, topology: { mode: 'static', directory, brokerClient: client }, defaultPartitions: 2 });
});
afterAll(async () => {
  for (const b of brokers) await b.close();
  await backend.close();
  await directory.close();
  await fx.db.drop();
});
afterAll(assertNoLeaks);

describe('FIFO queue (one partition)', () => {
  it('serves priority first, then enqueue order, across batches and concurrent dequeuers', async () => {
    const a = broker('fifo-a');
    client.register(A, a);
    await backend.createQueueWithOptions('fifo', { fifo: true });
    await a.assign('fifo', 0);
    const bodies = Array.from({ length: 120 }, (_, i) => `j${String(i).padStart(3, '0')}`);
    for (let i = 0; i < bodies.length; i += 40) {
      await backend.enqueueJobs({ queue: 'fifo', jobs: bodies.slice(i, i + 40).map((b) => job(b)) });
    }
    await backend.enqueueJobs({ queue: 'fifo', jobs: [job('urgent', { priority: 1 }), job('later', { priority: 2 })].map((j, i) => (i === 0 ? j : j)) });
    const first = await backend.dequeueJobs(dequeueReq('fifo', 3));
    expect(first.jobs.map((j) => j.body.toString())).toEqual(['j000', 'j001', 'j002']);
    // 8 concurrent dequeuers: no job twice, and each reply is in order
    const replies = await Promise.all(Array.from({ length: 8 }, () => backend.dequeueJobs(dequeueReq('fifo', 20))));
    const seen = replies.flatMap((r) => r.jobs.map((j) => j.body.toString()));
    expect(new Set(seen).size).toBe(seen.length);
    for (const r of replies) {
      const b = r.jobs.map((j) => j.body.toString()).filter((x) => x.startsWith('j'));
      expect(b).toEqual([...b].sort());
    }
    const rest = await backend.dequeueJobs(dequeueReq('fifo', 200));
    const all = [...first.jobs.map((j) => j.body.toString()), ...seen, ...rest.jobs.map((j) => j.body.toString())];
    expect(all.sort()).toEqual([...bodies, 'later', 'urgent'].sort());
    expect(all.indexOf('later')).toBeGreaterThan(-1);
  });

  it('a failed job retried without delay goes back to its place by run-after (not to the end)', async () => {
    await backend.createQueueWithOptions('fifo2', { fifo: true });
    const a = brokers[0] as DequeueBroker;
    await a.assign('fifo2', 0);
    await backend.enqueueJobs({ queue: 'fifo2', jobs: ['a', 'b', 'c'].map((b) => job(b)) });
    const [ja] = (await backend.dequeueJobs(dequeueReq('fifo2', 1))).jobs;
    await backend.ackDequeuedJobs({ queue: 'fifo2', succeeded: [], failed: [{ descriptor: ja?.descriptor as string, appendCustomStatus: '', retryDelayMs: 0 }] });
    // retry run_after = now → after b and c (enqueued earlier), documented in docs/descriptors.md
    const next = await backend.dequeueJobs(dequeueReq('fifo2', 3));
    expect(next.jobs.map((j) => j.body.toString())).toEqual(['b', 'c', 'a']);
  });
});

describe('fencing', () => {
  it('a takeover bumps the epoch; the old owner claims nothing and hands out nothing', async () => {
    const a = brokers[0] as DequeueBroker;
    const b = broker('fence-b');
    client.register(B, b);
    await backend.createQueueWithOptions('fence', { numPartitions: 1 });
    const e1 = await a.assign('fence', 0);
    await backend.enqueueJobs({ queue: 'fence', jobs: Array.from({ length: 10 }, (_, i) => job(`f${i}`)) });
    await eventually(() => expect(a.partitions().find((p) => p.queue === 'fence')?.buffered).toBe(10));
    const e2 = await b.assign('fence', 0);
    expect(e2).toBe(e1 + 1);
    // a still believes it owns the partition and has 10 buffered jobs, but MySQL rejects its claims
    const stale = await a.dequeue({ queue: 'fence', partitions: [0], priorities: [1, 2, 3], limit: 10, claimDescriptor: 'stale:1' });
    expect(stale.jobs).toEqual([]);
    expect(stale.notOwned).toEqual([0]);
    expect(a.owned().has('fence/0')).toBe(false);
    expect(await backend.getJobCount({ queue: 'fence', state: JobState.IN_PROGRESS, future: false })).toBe(0);
    const fresh = await b.dequeue({ queue: 'fence', partitions: [0], priorities: [1, 2, 3], limit: 10, claimDescriptor: 'new:1' });
    expect(fresh.jobs).toHaveLength(10);
    const owners = await listOwnersOf('fence');
    expect(owners).toEqual([{ queue: 'fence', partition: 0, ownerId: 'fence-b', epoch: e2 }]);
    // an explicit, older epoch is refused
    await expect(a.assign('fence', 0, e2)).rejects.toThrow(/Stale epoch/);
  });
});

describe('suspension (the coordinator lost its ZooKeeper connection)', () => {
  it('a suspended broker serves nothing and keeps its partitions; resumed, it serves them again', async () => {
    const a = brokers[0] as DequeueBroker;
    await backend.createQueueWithOptions('suspend', { numPartitions: 1 });
    const epoch = await a.assign('suspend', 0);
    await backend.enqueueJobs({ queue: 'suspend', jobs: ['s0', 's1', 's2'].map((b) => job(b)) });
    await eventually(() => expect(a.partitions().find((p) => p.queue === 'suspend')?.buffered).toBe(3));
    const args = { queue: 'suspend', partitions: [0], priorities: [1, 2, 3], limit: 10, claimDescriptor: 'susp:1' };
    a.suspend();
    const paused = await a.dequeue(args);
    expect(paused.jobs).toEqual([]);
    expect(paused.notOwned).toEqual([0]);
    expect(a.owned().get('suspend/0')).toBe(epoch);
    expect(await backend.getJobCount({ queue: 'suspend', state: JobState.IN_PROGRESS, future: false })).toBe(0);
    a.resume();
    const served = await a.dequeue(args);
    expect(served.jobs.map((j) => j.body.toString()).sort()).toEqual(['s0', 's1', 's2']);
    expect(served.notOwned).toEqual([]);
  });
});

describe('a refill failing in the middle of a dequeue', () => {
  it('gives back the jobs already taken from another partition: they are served by the next dequeue', async () => {
    const a = broker('giveback-a');
    await backend.createQueueWithOptions('giveback', { numPartitions: 2 });
    await a.assign('giveback', 0);
    await a.assign('giveback', 1);
    // three ready jobs in partition 0 only, buffered (partition 0 needs no MySQL read to serve them)
    const at = Date.now() - 1000;
    const admin = await openMysql(fx.mysql.database);
    const locker = await openMysql(fx.mysql.database);
    try {
      await admin.query('INSERT INTO jobs (queue, part, priority, state, attempts_allowed, attempts_remaining, custom_status, created_at_ms, updated_at_ms, run_after_ms, body) VALUES ?',
        [['g0', 'g1', 'g2'].map((b) => ['giveback', 0, 1, 0, 2, 2, '', at, at, at, Buffer.from(b)])]);
      await a.notifyPending('giveback', [0]);
      await eventually(() => expect(a.partitions().find((p) => p.queue === 'giveback' && p.partition === 0)?.buffered).toBe(3));
      // partition 1's refill (after a notification) blocks on a table lock, then its connection dies
      await locker.query('LOCK TABLES jobs WRITE');
      await a.notifyPending('giveback', [1]);
      const failing = a.dequeue({ queue: 'giveback', partitions: [0, 1], priorities: [1], limit: 10, claimDescriptor: 'gb:1' }).then(() => 'served', () => 'failed');
      let blocked: number | undefined;
      await eventually(async () => {
        const [rows] = await admin.query<RowDataPacket[]>("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE LIKE 'Waiting for table metadata lock'", [fx.mysql.database]);
        blocked = Number(rows[0]?.ID);
        expect(rows.length).toBeGreaterThan(0);
      });
      await admin.query(`KILL ${blocked}`);
      await locker.query('UNLOCK TABLES');
      expect(await failing).toBe('failed');
      await eventually(async () => {
        const r = await a.dequeue({ queue: 'giveback', partitions: [0, 1], priorities: [1], limit: 10, claimDescriptor: 'gb:2' });
        expect(r.jobs.map((j) => j.body.toString()).sort()).toEqual(['g0', 'g1', 'g2']);
      });
    } finally {
      await locker.end();
      await admin.end();
    }
  });
});

describe.each(CLAIM_MODES)('graceful broker server shutdown (%s claims)', (claims) => {
  it('a dequeue running at close() still gets its claimed jobs; requests after it are answered "not owned"', async () => {
    const g = broker(`graceful-${claims}`, claims);
    const queue = `graceful_${claims.replace('-', '_')}`;
    await backend.createQueueWithOptions(queue, { numPartitions: 1 });
    await g.assign(queue, 0);
    const at = Date.now() - 1000;
    const admin = await openMysql(fx.mysql.database);
    const locker = await openMysql(fx.mysql.database);
    const server = await BrokerServer.listen(g, '127.0.0.1', 0, silentLogger());
    const thrift = new ThriftBrokerClient(20_000);
    const endpoint = { host: '127.0.0.1', port: server.port };
    const args = { queue, partitions: [0], priorities: [1], limit: 10, claimDescriptor: 'graceful:1' };
    try {
      await admin.query('INSERT INTO jobs (queue, part, priority, state, attempts_allowed, attempts_remaining, custom_status, created_at_ms, updated_at_ms, run_after_ms, body) VALUES ?',
        [['x0', 'x1', 'x2'].map((b) => [queue, 0, 1, 0, 2, 2, '', at, at, at, Buffer.from(b)])]);
      await g.notifyPending(queue, [0]);
      await eventually(() => expect(g.partitions().find((p) => p.queue === queue)?.buffered).toBe(3));
      // the claim statement of the first dequeue waits on a table lock while the server closes
      await locker.query('LOCK TABLES jobs WRITE');
      const first = thrift.dequeue(endpoint, args);
      await eventually(async () => {
        const [rows] = await admin.query<RowDataPacket[]>("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND STATE LIKE 'Waiting for table metadata lock'", [fx.mysql.database]);
        expect(rows.length).toBeGreaterThan(0);
      });
      const closing = server.close();
      const later = await thrift.dequeue(endpoint, { ...args, claimDescriptor: 'graceful:2' });
      expect(later).toEqual({ jobs: [], notOwned: [0], readyLeft: [0] });
      await locker.query('UNLOCK TABLES');
      const reply = await first;
      expect(reply.jobs.map((j) => j.body.toString()).sort()).toEqual(['x0', 'x1', 'x2']);
      await closing;
      expect(await claimsOf(admin, queue)).toEqual(['graceful:1', 'graceful:1', 'graceful:1']);
    } finally {
      await locker.end();
      await admin.end();
      await thrift.close();
      await server.close();
    }
  });
});

/** A lease-mode broker owning one-partition `queue`, which served `bodies` through `dequeue` (a retry until all came). */
async function servedByLease(g: DequeueBroker, queue: string, bodies: string[], dequeue: (args: BrokerDequeueArgs) => Promise<BrokerDequeueReply>): Promise<BrokerDequeueReply> {
  await backend.createQueueWithOptions(queue, { numPartitions: 1 });
  await g.assign(queue, 0);
  await insertReadyJobs(queue, bodies.map((b) => [0, b, Date.now() - 1000]));
  await g.notifyPending(queue, [0]);
  return eventually(async () => {
    const r = await dequeue({ queue, partitions: [0], priorities: [1], limit: 10, claimDescriptor: `${queue}:1` });
    expect(r.jobs).toHaveLength(bodies.length);
    return r;
  });
}

/** Success acks of a reply's jobs by the leases it named, as an API writes them (api/direct-acks.ts). */
function leasedAcksOf(queue: string, reply: BrokerDequeueReply, appendCustomStatus = ''): LeasedAck[] {
  return reply.jobs.map((j, i) => ({
    queue, ref: parsePacerDescriptor(j.descriptor) as PacerJobRef, info: { descriptor: j.descriptor, appendCustomStatus, retryDelayMs: 0 },
    leaseId: reply.leaseIds?.[i] as bigint, claimDescriptor: '',
  }));
}

async function leaseIdsOf(db: { query: (text: string, params?: unknown[]) => Promise<unknown> }, queue: string): Promise<string[]> {
  const [rows] = (await db.query('SELECT CAST(lease_id AS CHAR) AS lease_id FROM claim_leases WHERE queue = ?', [queue])) as [Array<{ lease_id: string }>];
  return rows.map((r) => r.lease_id);
}

/** An admin connection and a one-connection pool (an API's direct writes) on the test database, both closed after `fn`. */
async function withAdminAndPool<T>(fn: (admin: Awaited<ReturnType<typeof openMysql>>, pool: ReturnType<typeof createMysqlPool>) => Promise<T>): Promise<T> {
  const admin = await openMysql(fx.mysql.database);
  const pool = createMysqlPool({ ...fx.mysql, connectionLimit: 1, connectTimeoutMs: 5000 });
  try {
    return await fn(admin, pool);
  } finally {
    await pool.end();
    await admin.end();
  }
}

/** `g` behind a BrokerServer, called through a ThriftBrokerClient; both closed after `fn`. */
async function overThrift<T>(g: DequeueBroker, fn: (thrift: ThriftBrokerClient, endpoint: { host: string; port: number }) => Promise<T>): Promise<T> {
  const server = await BrokerServer.listen(g, '127.0.0.1', 0, silentLogger());
  const thrift = new ThriftBrokerClient(20_000);
  try {
    return await fn(thrift, { host: '127.0.0.1', port: server.port });
  } finally {
    await thrift.close();
    await server.close();
  }
}

describe('a corrupt frame on the broker\'s port', () => {
  it('closes that connection only: a length of -4 (npm thrift\'s receiver looped on it for ever) leaves the broker serving', async () => {
    const g = broker('corrupt-frame');
    await overThrift(g, async (thrift, endpoint) => {
      const socket = connect(endpoint.port, endpoint.host);
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(Buffer.from([0xff, 0xff, 0xff, 0xfc, 0, 0, 0, 0]));
      await closed;
      expect((await thrift.status(endpoint)).brokerId).toBe('corrupt-frame');
    });
  });
});

describe('lease ids and settled notices over Thrift (lease claims)', () => {
  it('a dequeue reply names each job\'s lease exactly; a notice of jobs acked by their lease elsewhere empties it', async () => {
    const g = broker('thrift-leases', 'lease');
    const queue = 'thrift_leases';
    await withAdminAndPool(async (admin, pool) => {
      await overThrift(g, async (thrift, endpoint) => {
        const reply = await servedByLease(g, queue, ['l0', 'l1'], (args) => thrift.dequeue(endpoint, args));
        const leases = await leaseIdsOf(admin, queue);
        expect(leases).toHaveLength(1);
        expect(reply.leaseIds).toEqual([BigInt(leases[0] as string), BigInt(leases[0] as string)]);
        // What an API does with them (api/direct-acks.ts): the ack by the lease, then the notice.
        const acks = leasedAcksOf(queue, reply);
        expect(await ackLeasedSucceeded(pool, acks, Date.now())).toBe(2);
        await thrift.notifyPending(endpoint, { queue, partitions: [], settled: acks.map((a) => ({ partition: a.ref.partition, id: a.ref.id })) });
        await eventually(async () => expect(await leaseIdsOf(admin, queue)).toEqual([]));
      });
    });
  });

  it('dequeues carried by one claim batch each name the leases of their own jobs, and those leases empty as their jobs are acked', async () => {
    const g = broker('batched-leases', 'lease');
    const queue = 'batched_leases';
    await withAdminAndPool(async (admin, pool) => {
      await backend.createQueueWithOptions(queue, { numPartitions: 2 });
      await g.assign(queue, 0);
      await g.assign(queue, 1);
      await insertReadyJobs(queue, Array.from({ length: 24 }, (_, i) => [i % 2, `b${i}`, Date.now() - 1000] as [number, string, number]));
      await g.notifyPending(queue, [0, 1]);
      await eventually(() => expect(g.partitions().reduce((n, p) => n + p.buffered, 0)).toBe(24));
      const batchesBefore = g.counters.claimBatches;
      // More dequeues at once than claims in flight: the rest go out together, as one claim batch.
      const dequeues = CLAIMS_IN_FLIGHT + 6;
      const replies = await Promise.all(Array.from({ length: dequeues }, (_, i) => g.dequeue({ queue, partitions: [0, 1], priorities: [1], limit: 3, claimDescriptor: `${queue}:${i}` })));
      expect(g.counters.claimBatches - batchesBefore).toBeLessThan(dequeues);
      const [rows] = (await admin.query(`SELECT part, CAST(lease_id AS CHAR) AS lease_id, l.claim_descriptor AS d, t.id FROM claim_leases l,
        JSON_TABLE(l.job_ids, '$[*]' COLUMNS (id BIGINT PATH '$')) t WHERE l.queue = ?`, [queue])) as unknown as [Array<{ part: number; lease_id: string; d: string; id: number }>];
      const leaseOfJob = new Map(rows.map((r) => [Number(r.id), { part: Number(r.part), leaseId: BigInt(r.lease_id), descriptor: r.d }]));
      replies.forEach((reply, i) => {
        expect(reply.jobs).toHaveLength(3);
        reply.jobs.forEach((j, k) => {
          const ref = parsePacerDescriptor(j.descriptor) as PacerJobRef;
          expect(leaseOfJob.get(ref.id)).toEqual({ part: ref.partition, leaseId: reply.leaseIds?.[k], descriptor: `${queue}:${i}` });
        });
      });
      // Acked by their leases elsewhere and noticed: every lease empties (none of another dequeue's is held twice or missed).
      for (const reply of replies) {
        const acks = leasedAcksOf(queue, reply);
        expect(await ackLeasedSucceeded(pool, acks, Date.now())).toBe(3);
        await g.notifyPending(queue, [], undefined, undefined, acks.map((a) => ({ partition: a.ref.partition, id: a.ref.id })));
      }
      await eventually(async () => expect(await leaseIdsOf(admin, queue)).toEqual([]));
    });
  });

  it('a notice of a job not settled changes nothing: the broker reads the row, and still acks the job by its lease', async () => {
    const g = broker('thrift-notice', 'lease');
    const queue = 'thrift_notice';
    const admin = await openMysql(fx.mysql.database);
    try {
      await overThrift(g, async (thrift, endpoint) => {
        const reply = await servedByLease(g, queue, ['n0'], (args) => thrift.dequeue(endpoint, args));
        const [ack] = leasedAcksOf(queue, reply, 'ok') as [LeasedAck];
        await thrift.notifyPending(endpoint, { queue, partitions: [], settled: [{ partition: 0, id: ack.ref.id }] });
        // Had the broker dropped the job from its lease map on the notice's word, this ack would be
        // taken for a per-job claim's and change nothing.
        expect(await g.ack(queue, [{ queue, ref: ack.ref, info: ack.info }], [])).toEqual({ notOwned: [] });
        const [rows] = await admin.query<RowDataPacket[]>('SELECT state, CAST(settled_lease AS CHAR) AS settled_lease FROM jobs WHERE id = ?', [ack.ref.id]);
        expect(rows[0]).toMatchObject({ state: JobState.SUCCEEDED, settled_lease: String(ack.leaseId) });
      });
    } finally {
      await admin.end();
    }
  });
});

/**
 * A pool whose transactions' COMMIT, once armed, returns only when the test opens the gate: the
 * transaction is committed in MySQL while its caller has not seen it yet.
 */
function gatedCommitPool(): { pool: ReturnType<typeof createMysqlPool>; arm: () => { committed: Promise<void>; open: () => void } } {
  const pool = createMysqlPool({ ...fx.mysql, connectionLimit: 4, connectTimeoutMs: 5000 });
  let gate: { committed: () => void; held: Promise<void> } | undefined;
  const gated = new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop !== 'getConnection') return Reflect.get(target, prop, receiver) as unknown;
      return async () => {
        const conn = await target.getConnection();
        return new Proxy(conn, {
          get(c, p2, r2) {
            const value = Reflect.get(c, p2, r2) as unknown;
            if (p2 !== 'query' || typeof value !== 'function') return typeof value === 'function' ? value.bind(c) : value;
            return async (...args: unknown[]) => {
              const out = await (value as (...a: unknown[]) => Promise<unknown>).apply(c, args);
              const g = gate;
              if (args[0] === 'COMMIT' && g !== undefined) {
                gate = undefined;
                g.committed();
                await g.held;
              }
              return out;
            };
          },
        });
      };
    },
  });
  return {
    pool: gated,
    arm: () => {
      let open = (): void => undefined;
      let committed = (): void => undefined;
      const held = new Promise<void>((resolve) => { open = resolve; });
      const done = new Promise<void>((resolve) => { committed = resolve; });
      gate = { committed, held };
      return { committed: done, open };
    },
  };
}

describe('a lease broker while a live broker does not honour leases (issue 15, rollout)', () => {
  it('claims per job while leases are not allowed, and with leases again when they are', async () => {
    let allowed = false;
    const g = broker('withheld', 'lease', { leasesAllowed: () => allowed });
    const queue = 'withheld';
    const admin = await openMysql(fx.mysql.database);
    try {
      const perJob = await servedByLease(g, queue, ['w0'], (args) => g.dequeue(args));
      expect(perJob.leaseIds).toBeUndefined();
      expect(g.counters.leasesWithheldDequeues).toBeGreaterThan(0);
      expect(await leaseIdsOf(admin, queue)).toEqual([]);
      expect(await claimsOf(admin, queue)).toEqual([`${queue}:1`]); // the row itself: IN_PROGRESS
      allowed = true;
      await insertReadyJobs(queue, [[0, 'w1', Date.now() - 1000]]);
      await g.notifyPending(queue, [0]);
      const leased = await eventually(async () => {
        const r = await g.dequeue({ queue, partitions: [0], priorities: [1], limit: 10, claimDescriptor: `${queue}:2` });
        expect(r.jobs).toHaveLength(1);
        return r;
      });
      expect(leased.leaseIds).toEqual([BigInt((await leaseIdsOf(admin, queue))[0] as string)]);
    } finally {
      await admin.end();
    }
  });
});

describe('a lease checkpoint racing a refill (lease claims)', () => {
  it('keeps the renewed jobs out of the buffer until the new lease is in the map: no second serve', async () => {
    const { pool, arm } = gatedCommitPool();
    const g = createDequeueBroker({ brokerId: 'renew-race', mysql: { pool }, safetySweepMs: 0, monitor: { enabled: false }, claims: 'lease' });
    const queue = 'renew_race';
    try {
      const reply = await servedByLease(g, queue, ['r0'], (args) => g.dequeue(args));
      const [job] = reply.jobs as [DequeuedJob];
      const ref = parsePacerDescriptor(job.descriptor) as PacerJobRef;
      const gate = arm();
      // Keeps the job in progress: its lease is settled and a new one names it, in one transaction.
      const checkpoint = g.checkpoint(queue, 'renew_race:1', [{ ref, item: { descriptor: job.descriptor, moveToPending: false } }]);
      await gate.committed;
      // Committed in MySQL; the broker has not seen the new lease. A refill now reads the row.
      await g.notifyPending(queue, [0]);
      const during = await g.dequeue({ queue, partitions: [0], priorities: [1], limit: 10, claimDescriptor: 'other:1' });
      gate.open();
      expect(await checkpoint).toEqual({ notOwned: [], noops: 0 });
      expect(during.jobs).toEqual([]);
      const after = await g.dequeue({ queue, partitions: [0], priorities: [1], limit: 10, claimDescriptor: 'other:2' });
      expect(after.jobs).toEqual([]);
    } finally {
      await g.close();
      await pool.end();
    }
  });
});

describe('a dequeue of a gateway before acks by claim (issue 15, rollout)', () => {
  it('is claimed per job by a lease broker (no acksByClaim on the wire), so that gateway\'s own per-job acks apply', async () => {
    const g = broker('old-gateway', 'lease');
    const queue = 'old_gateway';
    await backend.createQueueWithOptions(queue, { numPartitions: 1 });
    await g.assign(queue, 0);
    await insertReadyJobs(queue, [[0, 'o0', Date.now() - 1000], [0, 'o1', Date.now() - 1000]]);
    await g.notifyPending(queue, [0]);
    const admin = await openMysql(fx.mysql.database);
    const pool = createMysqlPool({ ...fx.mysql, connectionLimit: 1, connectTimeoutMs: 5000 });
    const server = await BrokerServer.listen(g, '127.0.0.1', 0, silentLogger());
    // That gateway's client: npm thrift's runtime and the request as its IDL had it (no field 7).
    const connection = thriftRuntime.createConnection('127.0.0.1', server.port, { transport: thriftRuntime.TFramedTransport, protocol: thriftRuntime.TBinaryProtocol });
    connection.on('error', () => undefined);
    try {
      const client = thriftRuntime.createClient(PacerBroker, connection);
      const reply = await eventually(async () => {
        const r = await client.dequeue(new ttypes.BrokerDequeueRequest({ queue, partitions: [0], priorities: [1], limit: 10, claimDescriptor: 'old:9090:1:w:1' }));
        expect(r.jobs).toHaveLength(2);
        return r;
      });
      expect(reply.leaseIds ?? undefined).toBeUndefined();
      expect(g.counters.perJobOnlyDequeues).toBeGreaterThan(0);
      expect(await leaseIdsOf(admin, queue)).toEqual([]);
      expect(await claimsOf(admin, queue)).toEqual(['old:9090:1:w:1', 'old:9090:1:w:1']);
      // What that gateway did with its success acks: the per-job statement, itself.
      const acks = reply.jobs.map((j) => ({ queue, ref: parsePacerDescriptor(j.descriptor) as PacerJobRef, info: { descriptor: j.descriptor, appendCustomStatus: 'old', retryDelayMs: 0 } }));
      expect(await ackSucceeded(pool, acks, Date.now())).toBe(2);
      // A gateway of this release (acksByClaim) is still served by lease.
      await insertReadyJobs(queue, [[0, 'n0', Date.now() - 1000]]);
      await g.notifyPending(queue, [0]);
      const thrift = new ThriftBrokerClient(20_000);
      try {
        const current = await eventually(async () => {
          const r = await thrift.dequeue({ host: '127.0.0.1', port: server.port }, { queue, partitions: [0], priorities: [1], limit: 10, claimDescriptor: 'new:1' });
          expect(r.jobs).toHaveLength(1);
          return r;
        });
        expect(current.leaseIds).toEqual([BigInt((await leaseIdsOf(admin, queue))[0] as string)]);
        const counted = g.counters.perJobOnlyDequeues;
        await thrift.dequeue({ host: '127.0.0.1', port: server.port }, { queue, partitions: [0], priorities: [1], limit: 10, claimDescriptor: 'new:2' });
        expect(g.counters.perJobOnlyDequeues).toBe(counted);
      } finally {
        await thrift.close();
      }
    } finally {
      connection.end();
      await server.close();
      await pool.end();
      await admin.end();
    }
  });
});

describe('the held-lease sweep (lease claims)', () => {
  it('finds jobs acked by their lease elsewhere whose notice never came, and deletes the emptied lease', async () => {
    const g = broker('held-sweep', 'lease', { heldLeaseSweepMs: 300 });
    const queue = 'held_sweep';
    await withAdminAndPool(async (admin, pool) => {
      const reply = await servedByLease(g, queue, ['h0'], (args) => g.dequeue(args));
      expect(await ackLeasedSucceeded(pool, leasedAcksOf(queue, reply), Date.now())).toBe(1);
      // No notice, no monitor, no refill: only the sweep can find it.
      await eventually(async () => expect(await leaseIdsOf(admin, queue)).toEqual([]), { timeoutMs: 15_000 });
    });
  });
});

describe.each(CLAIM_MODES)('fencing of grouped claims (%s claims)', (claims) => {
  it('a claim queued behind in-flight claims goes out after a takeover and matches nothing', async () => {
    const a = broker(`queue-a-${claims}`, claims); // not in the directory: driven directly
    const b = broker(`queue-b-${claims}`, claims);
    const fence2 = `fence2_${claims.replace('-', '_')}`;
    await backend.createQueueWithOptions(fence2, { numPartitions: 2 });
    await backend.enqueueJobs({ queue: fence2, jobs: Array.from({ length: 20 }, (_, i) => job(`q${i}`)) });
    await a.assign(fence2, 0); // g (the assignment reads the partition's jobs)
    await a.assign(fence2, 1); // f
    expect(a.partitions().filter((p) => p.queue === fence2).reduce((n, p) => n + p.buffered, 0)).toBe(20);
    const counts = await backend.getJobCount({ queue: fence2, state: JobState.PENDING, future: false });
    expect(counts).toBe(20);
    const locker = await openMysql(fx.db.name);
    try {
      // hold g's jobs: every claim slot of `a` waits in MySQL, so f's claim waits in a's batcher
      await locker.query('START TRANSACTION');
      // The job rows themselves (the body is not in any index): a lease claim only reads them, by PRIMARY.
      await locker.query('SELECT id, body FROM jobs WHERE queue = ? AND part = 0 FOR UPDATE', [fence2]);
      const gates = Array.from({ length: CLAIMS_IN_FLIGHT }, (_, i) =>
        a.dequeue({ queue: fence2, partitions: [0], priorities: [1], limit: 1, claimDescriptor: `gate:${i}` }));
      await eventually(async () => {
        expect(await claimsRunning(locker, fx.db.name, 'gate:')).toBe(CLAIMS_IN_FLIGHT);
      });
      const probe = a.dequeue({ queue: fence2, partitions: [1], priorities: [1], limit: 5, claimDescriptor: 'stale:f' });
      await b.assign(fence2, 1); // f moves to b with a new epoch while a's claim of f waits
      await locker.query('ROLLBACK');
      const gateReplies = await Promise.all(gates);
      const stale = await probe;
      expect(stale.jobs).toEqual([]);
      expect(stale.notOwned).toEqual([1]);
      expect(a.owned().has(`${fence2}/1`)).toBe(false);
      // the gates' claims held g's ownership row before any takeover of g: legitimate hand-outs
      expect(gateReplies.map((r) => r.jobs.length)).toEqual(Array.from({ length: CLAIMS_IN_FLIGHT }, () => 1));
      expect(await claimsOf(locker, fence2)).toEqual(Array.from({ length: CLAIMS_IN_FLIGHT }, (_, i) => `gate:${i}`));
    } finally {
      await locker.end();
    }
  });
});

describe('notifications, no hot polling, unreachable broker', () => {
  it('an enqueued job is dequeuable at once, and idle partitions are not polled', async () => {
    const a = brokers[0] as DequeueBroker;
    await backend.createQueueWithOptions('idle', { numPartitions: 2 });
    await a.assign('idle', 0);
    await a.assign('idle', 1);
    const before = a.counters.refills;
    for (let i = 0; i < 20; i += 1) expect((await backend.dequeueJobs(dequeueReq('idle', 5))).jobs).toEqual([]);
    expect(a.counters.refills).toBe(before); // 20 empty dequeues, zero MySQL reads
    await backend.enqueueJobs({ queue: 'idle', jobs: [job('x')] });
    expect((await backend.dequeueJobs(dequeueReq('idle', 5))).jobs.map((j) => j.body.toString())).toEqual(['x']);
    // a job due in 300 ms is picked up by the wake timer, without notification at due time
    const due = Date.now() + 300;
    await backend.enqueueJobs({ queue: 'idle', jobs: [job('soon', { runAfterMs: due })] });
    const got = await eventually(async () => {
      const r = await backend.dequeueJobs(dequeueReq('idle', 5));
      expect(r.jobs).toHaveLength(1);
      return r;
    });
    expect(got.jobs[0]?.body.toString()).toBe('soon');
    expect(Date.now()).toBeGreaterThanOrEqual(due);
  });

  it('a job whose notification was lost is found by the safety sweep probe (and only by a sweep)', async () => {
    // probes only, after the first sweep (which re-reads everything)
    const sweeping = createDequeueBroker({ brokerId: 'sweep-a', mysql: fx.mysql, safetySweepMs: 200, fullSweepEvery: 1_000_000, monitor: { enabled: false }, buffer: { capacityPerPriority: 50, lowWater: 10 } });
    const idle = broker('sweep-b'); // no safety sweep
    brokers.push(sweeping);
    await backend.createQueueWithOptions('sweep', { numPartitions: 2 });
    await sweeping.assign('sweep', 0);
    await idle.assign('sweep', 1);
    const args = (partition: number) => ({ queue: 'sweep', partitions: [partition], priorities: [1], limit: 10, claimDescriptor: `sweep:${partition}` });
    // both partitions read and complete (empty), then jobs land without any notification
    expect((await sweeping.dequeue(args(0))).jobs).toEqual([]);
    expect((await idle.dequeue(args(1))).jobs).toEqual([]);
    await eventually(() => expect(sweeping.counters.fullSweeps).toBe(1));
    const now = Date.now();
    await insertReadyJobs('sweep', [[0, 'lost-0', now], [1, 'lost-1', now]]);
    const found = await eventually(async () => {
      const r = await sweeping.dequeue(args(0));
      expect(r.jobs).toHaveLength(1);
      return r;
    }, { timeoutMs: 5000 });
    expect(found.jobs[0]?.body.toString()).toBe('lost-0');
    expect(sweeping.counters.fullSweeps).toBe(1); // found by a probe
    // without a sweep (or a notification) the other job stays unseen: buffers are not polled
    expect((await idle.dequeue(args(1))).jobs).toEqual([]);
    await idle.notifyPending('sweep', [1]);
    expect((await idle.dequeue(args(1))).jobs.map((j) => j.body.toString())).toEqual(['lost-1']);
  });

  it('a pending job written with an old time is missed by the probes and found by the full sweep', async () => {
    await backend.createQueueWithOptions('sweep-old', { numPartitions: 1 });
    const probesOnly = createDequeueBroker({ brokerId: 'sweep-c', mysql: fx.mysql, safetySweepMs: 100, fullSweepEvery: 1_000_000, monitor: { enabled: false } });
    brokers.push(probesOnly);
    await probesOnly.assign('sweep-old', 0);
    const args = { queue: 'sweep-old', partitions: [0], priorities: [1], limit: 10, claimDescriptor: 'sweep-old:1' };
    expect((await probesOnly.dequeue(args)).jobs).toEqual([]);
    await eventually(() => expect(probesOnly.counters.fullSweeps).toBe(1));
    await insertReadyJobs('sweep-old', [[0, 'old', Date.now() - 3_600_000]]); // e.g. an import keeping its times
    const after = probesOnly.counters.sweeps;
    await eventually(() => expect(probesOnly.counters.sweeps).toBeGreaterThanOrEqual(after + 3));
    expect((await probesOnly.dequeue(args)).jobs).toEqual([]);
    // a broker whose every second sweep is full finds such a job, by a full sweep
    await backend.createQueueWithOptions('sweep-old2', { numPartitions: 1 });
    const full = createDequeueBroker({ brokerId: 'sweep-d', mysql: fx.mysql, safetySweepMs: 100, fullSweepEvery: 2, monitor: { enabled: false } });
    brokers.push(full);
    await full.assign('sweep-old2', 0);
    const args2 = { ...args, queue: 'sweep-old2' };
    expect((await full.dequeue(args2)).jobs).toEqual([]);
    // Not toBe(1): with every second sweep full, a slow poll under load can first see 2 or more.
    await eventually(() => expect(full.counters.fullSweeps).toBeGreaterThanOrEqual(1));
    await insertReadyJobs('sweep-old2', [[0, 'old2', Date.now() - 3_600_000]]);
    const fullSweepsBefore = full.counters.fullSweeps;
    const r = await eventually(async () => {
      const got = await full.dequeue(args2);
      expect(got.jobs).toHaveLength(1);
      return got;
    }, { timeoutMs: 5000 });
    expect(r.jobs[0]?.body.toString()).toBe('old2');
    expect(full.counters.fullSweeps).toBeGreaterThan(fullSweepsBefore);
  });

  it('broker unreachable → SHARD_CONNECTION_FAILED, jobs stay in MySQL; other partitions still served', async () => {
    await backend.createQueueWithOptions('split', { numPartitions: 2 });
    const a = brokers[0] as DequeueBroker;
    const b = brokers[1] as DequeueBroker;
    await a.assign('split', 0);
    await b.assign('split', 1);
    directory.update({ fallback: A, routes: [{ queue: 'split', partitions: [1], endpoint: B }] });
    const enqueued = await backend.enqueueJobs({ queue: 'split', jobs: Array.from({ length: 10 }, (_, i) => job(`s${i}`)) });
    // Both partitions hold jobs (a dequeue that gets nothing while B's are ready is refused, not empty).
    while (new Set(enqueued.map((d) => parsePacerDescriptor(d)?.partition)).size < 2) {
      enqueued.push(...(await backend.enqueueJobs({ queue: 'split', jobs: [job(`s${enqueued.length}`)] })));
    }
    client.unregister(B);
    const partial = await backend.dequeueJobs(dequeueReq('split', 100));
    const pending = await backend.getJobCount({ queue: 'split', state: JobState.PENDING, future: false });
    expect(partial.jobs.length).toBeGreaterThan(0);
    expect(partial.jobs.length + pending).toBe(enqueued.length);
    client.unregister(A);
    const err = await backend.dequeueJobs(dequeueReq('split', 100)).catch((e: unknown) => e);
    expect((err as { code?: number }).code).toBe(ErrorCode.SHARD_CONNECTION_FAILED);
    client.register(A, a);
    client.register(B, b);
    const rest = await backend.dequeueJobs(dequeueReq('split', 100));
    expect(rest.jobs.length).toBe(pending);
  });
});

async function listOwnersOf(queue: string) {
  const pool = createMysqlPool({ ...fx.mysql, connectionLimit: 1, connectTimeoutMs: 5000 });
  try {
    return (await listOwners(pool)).filter((o) => o.queue === queue);
  } finally {
    await pool.end();
  }
}
