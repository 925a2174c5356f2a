/**
 * Gateways need no claim mode (issue 15): a Pacer API acks each job as its broker's dequeue reply
 * said it was claimed, by the lease it named or per job (api/served-claims.ts, api/direct-acks.ts),
 * and sends everything it cannot write itself to the broker owning the job's partition, which knows.
 * So brokers of either mode, behind any gateway, in any rollout order, lose no ack. On a fresh
 * MariaDB database per test, with a lease broker and a per-job broker in this process:
 * - success acks of jobs a per-job broker served are written by the API (the per-job statement);
 *   failure acks and checkpoints go to the broker, which serves retried jobs again;
 * - an API that did not serve a job, even one configured `claims: 'per-job'` as gateways were
 *   before, acks it through the owning broker, whatever that broker's mode;
 * - a reply without lease ids from a lease broker (a release before lease ids in replies): the
 *   API's per-job write changes nothing, the rows are read back, and the broker settles the jobs by
 *   their leases.
 */
import type { RowDataPacket } from 'mysql2/promise';
import {
  createDequeueBroker, createPacerBackend, InProcessBrokerClient, StaticPartitionDirectory, type DequeueBroker, type PacerBackend,
} from '../../pacer';
import type { BrokerDequeueArgs, BrokerDequeueReply } from '../../pacer/src/interfaces/broker-client';
import type { BrokerEndpoint } from '../../pacer/src/interfaces/partition-directory';
import type { ClaimMode } from '../../pacer/src/broker/claim-batcher';
import { pacerStatNames } from '../../pacer/src/api/pacer-stat-names';
import { TABLES } from '../../pacer/src/datastore/tables';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { JobState } from '../../core/src/types/job-state';
import { withMysql } from '../support/mysql';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

const LEASE = { host: 'broker-lease', port: 1 };
const PER_JOB = { host: 'broker-per-job', port: 2 };

/** A broker of the release before lease ids in dequeue replies: the same claims, no `leaseIds`. */
class OlderReleaseClient extends InProcessBrokerClient {
  override async dequeue(endpoint: BrokerEndpoint, args: BrokerDequeueArgs): Promise<BrokerDequeueReply> {
    const { leaseIds: _dropped, ...reply } = await super.dequeue(endpoint, args);
    return reply;
  }
}

let fx: PacerDb;
const brokers: DequeueBroker[] = [];
const backends: PacerBackend[] = [];
const directories: StaticPartitionDirectory[] = [];

function broker(id: string, claims: ClaimMode): DequeueBroker {
  const b = createDequeueBroker({ brokerId: id, mysql: fx.mysql, safetySweepMs: 0, monitor: { enabled: false }, claims });
  brokers.push(b);
  return b;
}

/** An API routing queue `lq` to the lease broker and `pq` to the per-job broker, through `client`. */
async function api(client: InProcessBrokerClient, stats: MemoryStats, extra: { claims?: ClaimMode } = {}): Promise<PacerBackend> {
  const directory = new StaticPartitionDirectory({
    fallback: LEASE, routes: [{ queue: 'pq', partitions: [0], endpoint: PER_JOB }, { queue: 'lq', partitions: [0], endpoint: LEASE }],
  });
  directories.push(directory);
  const b = await createPacerBackend({ mysql: fx.mysql, topology: { mode: 'static', directory, brokerClient: client }, defaultPartitions: 1, stats, ...extra });
  backends.push(b);
  return b;
}

async function setUp(client: InProcessBrokerClient): Promise<void> {
  const lease = broker('modes-lease', 'lease');
  const perJob = broker('modes-per-job', 'per-job');
  client.register(LEASE, lease);
  client.register(PER_JOB, perJob);
  const first = await api(client, new MemoryStats());
  await first.createQueue('lq');
  await first.createQueue('pq');
  await lease.assign('lq', 0);
  await perJob.assign('pq', 0);
}

async function jobRow(descriptor: string): Promise<RowDataPacket> {
  const id = Number(descriptor.split(':')[3]);
  return withMysql(async (db) => {
    const [rows] = await db.query<RowDataPacket[]>(`SELECT state, CAST(settled_lease AS CHAR) AS settled_lease, attempts_remaining, custom_status FROM ${TABLES.jobs} WHERE id = ?`, [id]);
    return rows[0] as RowDataPacket;
  }, fx.mysql.database);
}

async function leaseIds(queue: string): Promise<string[]> {
  return withMysql(async (db) => {
    const [rows] = await db.query<RowDataPacket[]>(`SELECT CAST(lease_id AS CHAR) AS id FROM ${TABLES.claimLeases} WHERE queue = ? ORDER BY lease_id`, [queue]);
    return rows.map((r) => String(r.id));
  }, fx.mysql.database);
}

const ok = (descriptor: string, status = 'ok') => ({ descriptor, appendCustomStatus: status, retryDelayMs: 0 });

beforeEach(async () => {
  fx = await freshPacerDb();
});
afterEach(async () => {
  for (const b of backends.splice(0)) await b.close();
  for (const b of brokers.splice(0)) await b.close();
  for (const d of directories.splice(0)) await d.close();
  await fx.db.drop();
});
afterAll(assertNoLeaks);

describe('Pacer APIs ack as the broker claimed', () => {
  it('write success acks of jobs a per-job broker served themselves; failure acks and checkpoints go to that broker', async () => {
    const client = new InProcessBrokerClient();
    await setUp(client);
    const stats = new MemoryStats();
    const gw = await api(client, stats);
    const [a, b, c, d] = (await gw.enqueueJobs({ queue: 'pq', jobs: [job('a'), job('b'), job('c', { attemptsAllowed: 2 }), job('d')] })) as [string, string, string, string];
    expect((await gw.dequeueJobs(dequeueReq('pq', 4))).jobs.map((j) => j.descriptor)).toEqual([a, b, c, d]);
    expect(await jobRow(a)).toMatchObject({ state: JobState.IN_PROGRESS }); // a per-job claim wrote the row
    await gw.ackDequeuedJobs({ queue: 'pq', succeeded: [ok(a), ok(b)], failed: [{ ...ok(c, 'f'), retryDelayMs: 0 }] });
    expect(stats.counters.get(pacerStatNames.directAcks)).toBe(2);
    expect(stats.counters.get(pacerStatNames.directAcksRouted)).toBeUndefined();
    expect(await jobRow(a)).toMatchObject({ state: JobState.SUCCEEDED, custom_status: 'ok' });
    expect(await jobRow(c)).toMatchObject({ state: JobState.PENDING, attempts_remaining: 1, custom_status: 'f' });
    await gw.checkpointJobs({ queue: 'pq', source: '', items: [{ descriptor: d, moveToPending: true }] });
    expect(await jobRow(d)).toMatchObject({ state: JobState.PENDING });
    // The broker was told (by its own ack and checkpoint): both are served again.
    await eventually(async () => expect((await gw.dequeueJobs(dequeueReq('pq', 4))).jobs.map((j) => j.descriptor).sort()).toEqual([c, d].sort()));
    expect(await leaseIds('pq')).toEqual([]);
  });

  it.each([['lq', 'lease'], ['pq', 'per-job']])('ack through an API that did not serve the job (configured per-job, as gateways were) at the owning broker: %s (%s)', async (queue) => {
    const client = new InProcessBrokerClient();
    await setUp(client);
    const server = await api(client, new MemoryStats());
    const otherStats = new MemoryStats();
    const other = await api(client, otherStats, { claims: 'per-job' });
    const [x] = (await server.enqueueJobs({ queue, jobs: [job('x')] })) as [string];
    expect((await server.dequeueJobs(dequeueReq(queue, 1))).jobs.map((j) => j.descriptor)).toEqual([x]);
    await other.ackDequeuedJobs({ queue, succeeded: [ok(x, 'elsewhere')], failed: [] });
    expect(otherStats.counters.get(pacerStatNames.directAcks)).toBeUndefined();
    expect(await jobRow(x)).toMatchObject({ state: JobState.SUCCEEDED, custom_status: 'elsewhere' });
    await eventually(async () => expect(await leaseIds(queue)).toEqual([]));
  });

  it('settle by their leases the jobs of a lease broker whose reply named no leases (older release): the direct write is read back', async () => {
    const client = new OlderReleaseClient();
    await setUp(client);
    const stats = new MemoryStats();
    const gw = await api(client, stats);
    const ds = (await gw.enqueueJobs({ queue: 'lq', jobs: [job('a'), job('b')] })) as [string, string];
    expect((await gw.dequeueJobs(dequeueReq('lq', 2))).jobs.map((j) => j.descriptor)).toEqual(ds);
    const [lease] = await leaseIds('lq');
    expect(await jobRow(ds[0])).toMatchObject({ state: JobState.PENDING }); // claimed by a lease: the row is untouched
    await gw.ackDequeuedJobs({ queue: 'lq', succeeded: ds.map((d) => ok(d)), failed: [] });
    expect(stats.counters.get(pacerStatNames.directAcksRouted)).toBe(2);
    expect(stats.counters.get(pacerStatNames.directAcks)).toBeUndefined();
    for (const d of ds) expect(await jobRow(d)).toMatchObject({ state: JobState.SUCCEEDED, settled_lease: lease, custom_status: 'ok' });
    await eventually(async () => expect(await leaseIds('lq')).toEqual([]));
  });
});
