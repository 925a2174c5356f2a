/**
 * Lease mode's claim and ack path (issue 15; docs/pacer-performance.md "Claim leases"), through the
 * Pacer backend with its embedded broker (`claims: 'lease'`), on a fresh MariaDB database per test:
 * - a dequeue writes one lease row per partition and dequeue and leaves the job rows alone; the
 *   jobs it names are never served again while the lease claims them (refills skip them);
 * - a success ack of a job the API served is written by the API itself, by the lease the broker's
 *   reply named; the broker re-reads those rows on the API's notice and deletes the emptied lease.
 *   An ack whose lease no longer claims the job changes nothing there and goes to the broker;
 * - other acks go through the broker: a success settles the row by its lease (state, settled_lease; the
 *   row reads the lease's claim descriptor, kept in settled_descriptors when the emptied lease is
 *   deleted, migration 0004); a failure with attempts left makes
 *   the job PENDING again (served again when due), on the last attempt FAILED; a second ack, or an
 *   ack naming the wrong priority, changes nothing and does not release the job;
 * - a partition taken over (a newer owner epoch) gets no lease from the stale broker: nothing is
 *   served from it, and the new owner's takeover loads the open leases, so their jobs are not
 *   served twice.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { createPacerBackend, StaticPartitionDirectory, type PacerBackend } from '../../pacer';
import { createMysqlPool } from '../../pacer/src/datastore/mysql-pool';
import { assignOwner } from '../../pacer/src/datastore/partition-owners';
import { TABLES } from '../../pacer/src/datastore/tables';
import { sql } from '../../pacer/src/datastore/sql-loader';
import { JobState } from '../../core/src/types/job-state';
import { ErrorCode } from '../../core/src/errors/error-code';
import { systemClock } from '../../core/src/util/clock';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { ackItems } from '../../pacer/src/datastore/job-acks';
import { DirectAcks } from '../../pacer/src/api/direct-acks';
import { ServedClaims } from '../../pacer/src/api/served-claims';
import { SettledNotices } from '../../pacer/src/api/settled-notices';
import { pacerStatNames } from '../../pacer/src/api/pacer-stat-names';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

let fx: PacerDb;
let backend: PacerBackend;
let stats: MemoryStats;
const pools: Array<ReturnType<typeof createMysqlPool>> = [];

async function leaseBackend(brokerId = 'lease-a'): Promise<PacerBackend> {
  return createPacerBackend({
    topology: { mode: 'embedded', brokerId, safetySweepMs: 0 }, mysql: fx.mysql, defaultPartitions: 1, claims: 'lease',
    monitor: { enabled: false }, stats,
  });
}

function pool(): ReturnType<typeof createMysqlPool> {
  const p = createMysqlPool({ ...fx.mysql, connectionLimit: 2, connectTimeoutMs: 5000 });
  pools.push(p);
  return p;
}

async function rows(text: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [r] = await pool().query<RowDataPacket[]>(text, params);
  return r;
}

async function jobRow(descriptor: string): Promise<RowDataPacket> {
  const id = Number(descriptor.split(':')[3]);
  return (await rows(
    `SELECT j.state, j.claim_descriptor AS stored_descriptor, ${sql('settled-descriptor')} AS claim_descriptor, j.settled_lease, j.attempts_remaining,
       j.custom_status, j.updated_at_ms FROM ${TABLES.jobs} j WHERE j.id = ?`,
    [id],
  ))[0] as RowDataPacket;
}

async function leaseRows(): Promise<RowDataPacket[]> {
  return rows(`SELECT queue, part, lease_id, claim_descriptor, CAST(job_ids AS CHAR) AS job_ids FROM ${TABLES.claimLeases} ORDER BY lease_id`);
}

beforeEach(async () => {
  fx = await freshPacerDb();
  stats = new MemoryStats();
  backend = await leaseBackend();
});
afterEach(async () => {
  await backend.close();
  for (const p of pools.splice(0)) await p.end();
  await fx.db.drop();
});
afterAll(assertNoLeaks);

describe('Pacer lease mode: claims', () => {
  it('writes one lease per dequeue and no job row; leased jobs are not served again', async () => {
    await backend.createQueue('lc1');
    const ds = await backend.enqueueJobs({ queue: 'lc1', jobs: [job('a'), job('b'), job('c')] });
    const before = await jobRow(ds[0] as string);
    const first = await backend.dequeueJobs(dequeueReq('lc1', 2, { claimDescriptor: 'host:9090:1:w:first' }));
    expect(first.jobs.map((j) => j.descriptor)).toEqual(ds.slice(0, 2));
    const leases = await leaseRows();
    expect(leases).toHaveLength(1);
    expect(leases[0]).toMatchObject({ queue: 'lc1', part: 0, claim_descriptor: 'host:9090:1:w:first' });
    expect(JSON.parse(String(leases[0]?.job_ids))).toEqual(ds.slice(0, 2).map((d) => Number(d.split(':')[3])));
    // The job rows are untouched by the claim.
    expect(await jobRow(ds[0] as string)).toMatchObject({ state: JobState.PENDING, claim_descriptor: null, settled_lease: 0, updated_at_ms: before.updated_at_ms });
    // More jobs (a notification, a refill): the leased ones are still not served.
    await backend.enqueueJobs({ queue: 'lc1', jobs: [job('d')] });
    const second = await backend.dequeueJobs(dequeueReq('lc1', 10));
    expect(second.jobs.map((j) => j.body.toString()).sort()).toEqual(['c', 'd']);
    expect(await backend.dequeueJobs(dequeueReq('lc1', 10))).toEqual({ jobs: [] });
    expect(await leaseRows()).toHaveLength(2);
  });
});

describe('Pacer lease mode: acks through the broker', () => {
  it('settles a success by its lease, once, and deletes the emptied lease', async () => {
    await backend.createQueue('la1');
    const [d] = await backend.enqueueJobs({ queue: 'la1', jobs: [job('a')] });
    await backend.dequeueJobs(dequeueReq('la1', 1, { claimDescriptor: 'host:9090:1:w:ack' }));
    const [lease] = await leaseRows();
    await backend.ackDequeuedJobs({ queue: 'la1', succeeded: [{ descriptor: d as string, appendCustomStatus: 'done', retryDelayMs: 0 }], failed: [] });
    await backend.ackDequeuedJobs({ queue: 'la1', succeeded: [{ descriptor: d as string, appendCustomStatus: 'again', retryDelayMs: 0 }], failed: [] });
    expect(await jobRow(d as string)).toMatchObject({
      state: JobState.SUCCEEDED, stored_descriptor: null, claim_descriptor: 'host:9090:1:w:ack', settled_lease: lease?.lease_id, custom_status: 'done',
    });
    await eventually(async () => expect(await leaseRows()).toEqual([]));
  });

  it('retries a failure with attempts left (served again when due) and fails the last attempt', async () => {
    await backend.createQueue('la2');
    const [d] = await backend.enqueueJobs({ queue: 'la2', jobs: [job('a', { attemptsAllowed: 2 })] });
    await backend.dequeueJobs(dequeueReq('la2', 1));
    await backend.ackDequeuedJobs({ queue: 'la2', succeeded: [], failed: [{ descriptor: d as string, appendCustomStatus: 'f1', retryDelayMs: 200 }] });
    expect(await jobRow(d as string)).toMatchObject({ state: JobState.PENDING, attempts_remaining: 1, claim_descriptor: null, custom_status: 'f1' });
    const again = await eventually(async () => {
      const r = await backend.dequeueJobs(dequeueReq('la2', 1, { claimDescriptor: 'host:9090:1:w:again' }));
      expect(r.jobs).toHaveLength(1);
      return r;
    });
    expect(again.jobs[0]).toMatchObject({ descriptor: d, attemptsRemaining: 1 });
    await backend.ackDequeuedJobs({ queue: 'la2', succeeded: [], failed: [{ descriptor: d as string, appendCustomStatus: 'f2', retryDelayMs: 0 }] });
    expect(await jobRow(d as string)).toMatchObject({ state: JobState.FAILED, attempts_remaining: 0, claim_descriptor: 'host:9090:1:w:again', custom_status: 'f1f2' });
    expect(await backend.dequeueJobs(dequeueReq('la2', 1))).toEqual({ jobs: [] });
    // retryFailedJobs keeps the claim descriptor on the PENDING row, as PinLater (FACTS §5): the
    // descriptor the row read through its lease is stored in the row.
    await eventually(async () => expect(await leaseRows()).toEqual([]));
    expect(await backend.retryFailedJobs({ queue: 'la2', priority: 1, attemptsToAllow: 1, limit: 10 })).toBe(1);
    expect(await jobRow(d as string)).toMatchObject({ state: JobState.PENDING, stored_descriptor: 'host:9090:1:w:again', claim_descriptor: 'host:9090:1:w:again' });
    expect((await backend.lookupJobs({ descriptors: [d as string], includeBody: false })).get(d as string)).toMatchObject({ state: JobState.PENDING, claimDescriptor: 'host:9090:1:w:again' });
    // Claimed and acked again: the new lease's descriptor, not the one the retry left in the row.
    await eventually(async () => expect((await backend.dequeueJobs(dequeueReq('la2', 1, { claimDescriptor: 'host:9090:1:w:third' }))).jobs).toHaveLength(1));
    await backend.ackDequeuedJobs({ queue: 'la2', succeeded: [{ descriptor: d as string, appendCustomStatus: '', retryDelayMs: 0 }], failed: [] });
    expect(await jobRow(d as string)).toMatchObject({ state: JobState.SUCCEEDED, stored_descriptor: null, claim_descriptor: 'host:9090:1:w:third' });
    await eventually(async () => expect(await leaseRows()).toEqual([]));
    expect((await backend.lookupJobs({ descriptors: [d as string], includeBody: false })).get(d as string)).toMatchObject({ state: JobState.SUCCEEDED, claimDescriptor: 'host:9090:1:w:third' });
  });

  it('ignores an ack naming the wrong priority, and keeps the job claimed', async () => {
    await backend.createQueue('la3');
    const [d] = await backend.enqueueJobs({ queue: 'la3', jobs: [job('a', { priority: 1 })] });
    await backend.dequeueJobs(dequeueReq('la3', 1));
    const forged = (d as string).replace(':p1:', ':p2:');
    await backend.ackDequeuedJobs({ queue: 'la3', succeeded: [], failed: [{ descriptor: forged, appendCustomStatus: 'x', retryDelayMs: 0 }] });
    expect(await jobRow(d as string)).toMatchObject({ state: JobState.PENDING, settled_lease: 0, custom_status: '' });
    await backend.enqueueJobs({ queue: 'la3', jobs: [job('b')] }); // a notification and a refill
    expect((await backend.dequeueJobs(dequeueReq('la3', 10))).jobs.map((j) => j.body.toString())).toEqual(['b']);
  });
});

describe('Pacer lease mode: success acks of jobs the API served, written by the API', () => {
  it('settles them by the lease the broker named, without the broker; the broker re-reads them on notice and deletes the emptied lease', async () => {
    await backend.createQueue('ld1');
    const ds = await backend.enqueueJobs({ queue: 'ld1', jobs: [job('a'), job('b')] });
    await backend.dequeueJobs(dequeueReq('ld1', 2, { claimDescriptor: 'host:9090:1:w:direct' }));
    const [lease] = await leaseRows();
    await backend.ackDequeuedJobs({ queue: 'ld1', succeeded: ds.map((d) => ({ descriptor: d, appendCustomStatus: 'ok', retryDelayMs: 0 })), failed: [] });
    expect(stats.counters.get(pacerStatNames.directAcks)).toBe(2);
    expect(stats.counters.get(pacerStatNames.directAcksRouted)).toBeUndefined();
    for (const d of ds) {
      expect(await jobRow(d)).toMatchObject({ state: JobState.SUCCEEDED, settled_lease: lease?.lease_id, claim_descriptor: 'host:9090:1:w:direct', custom_status: 'ok' });
    }
    // No monitor pass and no refill here, and the held-lease sweep is 10 s away: the notice tells
    // the broker its lease is empty.
    await eventually(async () => expect(await leaseRows()).toEqual([]), { timeoutMs: 8000 });
    expect((await backend.lookupJobs({ descriptors: ds, includeBody: false })).get(ds[0] as string)).toMatchObject({ state: JobState.SUCCEEDED, claimDescriptor: 'host:9090:1:w:direct' });
  });

  it('hands an ack to the broker when the lease it served no longer claims the job, which acks it by the current lease; the others of the batch stay written', async () => {
    await backend.createQueue('ld2');
    const [kept, moved] = (await backend.enqueueJobs({ queue: 'ld2', jobs: [job('a'), job('b')] })) as [string, string];
    await backend.dequeueJobs(dequeueReq('ld2', 2, { claimDescriptor: 'host:9090:1:w:ld2' }));
    const [first] = await leaseRows();
    // One job is checkpointed (as through another gateway): the first lease no longer claims it, a new one does.
    await backend.checkpointJobs({ queue: 'ld2', source: 'w:ld2', items: [{ descriptor: moved, moveToPending: false }] });
    const renewed = await eventually(async () => {
      const ls = await leaseRows();
      expect(ls).toHaveLength(2);
      return ls[1] as RowDataPacket;
    });
    // An API that served both under the first lease still remembers it for both.
    const served = new ServedClaims();
    served.remember([{ descriptor: kept }, { descriptor: moved }], [BigInt(String(first?.lease_id)), BigInt(String(first?.lease_id))]);
    const noticed: unknown[] = [];
    const notices = new SettledNotices(async (_q, refs) => { noticed.push(...refs); });
    const direct = new DirectAcks(pool(), systemClock, served, notices, stats);
    const settings = await backend.queueSettings('ld2');
    const acks = ackItems(settings!, [kept, moved].map((d) => ({ descriptor: d, appendCustomStatus: 'late', retryDelayMs: 0 })));
    const left = await direct.ackSucceeded(acks);
    await notices.close();
    expect(left).toEqual([expect.objectContaining(acks[1])]);
    expect(noticed).toEqual([{ partition: acks[0]?.ref.partition, id: acks[0]?.ref.id }]);
    expect(stats.counters.get(pacerStatNames.directAcks)).toBe(1);
    expect(stats.counters.get(pacerStatNames.directAcksRouted)).toBe(1);
    expect(await jobRow(kept)).toMatchObject({ state: JobState.SUCCEEDED, settled_lease: first?.lease_id, custom_status: 'late' });
    expect(await jobRow(moved)).toMatchObject({ state: JobState.PENDING, settled_lease: first?.lease_id, custom_status: '' });
    // The broker's path acks it by the lease that claims it now.
    await backend.ackDequeuedJobs({ queue: 'ld2', succeeded: [{ descriptor: moved, appendCustomStatus: 'late', retryDelayMs: 0 }], failed: [] });
    expect(await jobRow(moved)).toMatchObject({ state: JobState.SUCCEEDED, settled_lease: renewed.lease_id, custom_status: 'late' });
  });

  it('an ack by a lease that timed out meanwhile changes nothing directly, goes the broker\'s way, and leaves the job pending as before', async () => {
    await backend.close();
    backend = await createPacerBackend({
      topology: { mode: 'embedded', brokerId: 'lease-dt', safetySweepMs: 0 }, mysql: fx.mysql, defaultPartitions: 1, claims: 'lease',
      monitor: { enabled: false, claimTimeoutMs: 1 }, stats,
    });
    await backend.createQueue('ld4');
    const [d] = await backend.enqueueJobs({ queue: 'ld4', jobs: [job('a', { attemptsAllowed: 2 })] });
    await backend.dequeueJobs(dequeueReq('ld4', 1));
    await eventually(async () => expect((await backend.runMonitorOnce()).queues.ld4).toMatchObject({ timeoutRetry: 1 }));
    await backend.ackDequeuedJobs({ queue: 'ld4', succeeded: [{ descriptor: d as string, appendCustomStatus: 'late', retryDelayMs: 0 }], failed: [] });
    expect(stats.counters.get(pacerStatNames.directAcksRouted)).toBe(1);
    expect(stats.counters.get(pacerStatNames.directAcks)).toBeUndefined();
    expect(await jobRow(d as string)).toMatchObject({ state: JobState.PENDING, attempts_remaining: 1, custom_status: '' });
    expect((await backend.dequeueJobs(dequeueReq('ld4', 1))).jobs.map((j) => j.descriptor)).toEqual([d]);
  });

  it('leaves failure acks to the broker (a retried job is served again only by its owner)', async () => {
    await backend.createQueue('ld3');
    const [d] = await backend.enqueueJobs({ queue: 'ld3', jobs: [job('a', { attemptsAllowed: 2 })] });
    await backend.dequeueJobs(dequeueReq('ld3', 1));
    await backend.ackDequeuedJobs({ queue: 'ld3', succeeded: [], failed: [{ descriptor: d as string, appendCustomStatus: 'f', retryDelayMs: 0 }] });
    expect(stats.counters.get(pacerStatNames.directAcks)).toBeUndefined();
    expect(await jobRow(d as string)).toMatchObject({ state: JobState.PENDING, attempts_remaining: 1 });
    await eventually(async () => expect((await backend.dequeueJobs(dequeueReq('ld3', 1))).jobs.map((j) => j.descriptor)).toEqual([d]));
  });
});

describe('Pacer lease mode: checkpoints through the broker', () => {
  it('renews the claim with a new lease (the old one settled), and the ack settles the new lease', async () => {
    await backend.createQueue('lk1');
    const [d] = await backend.enqueueJobs({ queue: 'lk1', jobs: [job('a')] });
    await backend.dequeueJobs(dequeueReq('lk1', 1, { claimDescriptor: 'host:9090:1:w:ck' }));
    const [first] = await leaseRows();
    await backend.checkpointJobs({ queue: 'lk1', source: 'w:ck', items: [{ descriptor: d as string, moveToPending: false, newBody: 'a2', prependCustomStatus: 'c1' }] });
    const renewed = await eventually(async () => {
      const ls = await leaseRows();
      expect(ls).toHaveLength(1);
      return ls[0] as RowDataPacket;
    });
    expect(BigInt(String(renewed.lease_id))).toBeGreaterThan(BigInt(String(first?.lease_id)));
    expect(renewed.claim_descriptor).toBe('host:9090:1:w:ck');
    expect(await jobRow(d as string)).toMatchObject({ state: JobState.PENDING, settled_lease: first?.lease_id, custom_status: 'c1' });
    await backend.enqueueJobs({ queue: 'lk1', jobs: [job('b')] });
    expect((await backend.dequeueJobs(dequeueReq('lk1', 10))).jobs.map((j) => j.body.toString())).toEqual(['b']);
    await backend.ackDequeuedJobs({ queue: 'lk1', succeeded: [{ descriptor: d as string, appendCustomStatus: '', retryDelayMs: 0 }], failed: [] });
    expect(await jobRow(d as string)).toMatchObject({ state: JobState.SUCCEEDED, settled_lease: renewed.lease_id });
  });

  it('moves a job to pending (served again), and ignores a checkpoint from another source', async () => {
    await backend.createQueue('lk2');
    const [d] = await backend.enqueueJobs({ queue: 'lk2', jobs: [job('a')] });
    await backend.dequeueJobs(dequeueReq('lk2', 1, { claimDescriptor: 'host:9090:1:w:mine' }));
    await backend.checkpointJobs({ queue: 'lk2', source: 'w:other', items: [{ descriptor: d as string, moveToPending: true }] });
    expect(await jobRow(d as string)).toMatchObject({ settled_lease: 0 });
    expect(await backend.dequeueJobs(dequeueReq('lk2', 1))).toEqual({ jobs: [] });
    await backend.checkpointJobs({ queue: 'lk2', source: 'w:mine', items: [{ descriptor: d as string, moveToPending: true, runAfterMs: 0 }] });
    const again = await backend.dequeueJobs(dequeueReq('lk2', 1));
    expect(again.jobs.map((j) => j.descriptor)).toEqual([d]);
  });
});

describe('Pacer lease mode: acks with no broker to take them', () => {
  it('are written by the API itself, by the lease that claims each job; the owning broker catches up', async () => {
    await backend.createQueue('lw1');
    const ds = await backend.enqueueJobs({ queue: 'lw1', jobs: [job('ok'), job('retry', { attemptsAllowed: 2 })] });
    await backend.dequeueJobs(dequeueReq('lw1', 2, { claimDescriptor: 'host:9090:1:w:lw' }));
    const [lease] = await leaseRows();
    // An API whose only broker endpoint is down (nothing listens there).
    const directory = new StaticPartitionDirectory({ fallback: { host: '127.0.0.1', port: await freePort() } });
    const orphan = await createPacerBackend({ topology: { mode: 'static', directory, brokerCallTimeoutMs: 1000 }, mysql: fx.mysql, defaultPartitions: 1, claims: 'lease' });
    try {
      await orphan.ackDequeuedJobs({
        queue: 'lw1', succeeded: [{ descriptor: ds[0] as string, appendCustomStatus: 'done', retryDelayMs: 0 }],
        failed: [{ descriptor: ds[1] as string, appendCustomStatus: 'again', retryDelayMs: 0 }],
      });
    } finally {
      await orphan.close();
    }
    expect(await jobRow(ds[0] as string)).toMatchObject({ state: JobState.SUCCEEDED, custom_status: 'done', claim_descriptor: 'host:9090:1:w:lw', settled_lease: lease?.lease_id });
    expect(await jobRow(ds[1] as string)).toMatchObject({ state: JobState.PENDING, attempts_remaining: 1, settled_lease: lease?.lease_id });
    // The owning broker still holds the lease in memory and missed the notification (its safety
    // sweep is off here): its next refill (a new job's notification) re-reads the leased row and
    // serves the retry, not the acked job.
    const [extra] = await backend.enqueueJobs({ queue: 'lw1', jobs: [job('new')] });
    const again = await backend.dequeueJobs(dequeueReq('lw1', 10));
    expect(again.jobs.map((j) => j.descriptor).sort()).toEqual([ds[1], extra].sort());
  });
});

describe('Pacer lease mode: claim timeouts', () => {
  it('times a lease out by PinLater rules: served again with one attempt used, then FAILED', async () => {
    await backend.close();
    backend = await createPacerBackend({
      topology: { mode: 'embedded', brokerId: 'lease-t', safetySweepMs: 0 }, mysql: fx.mysql, defaultPartitions: 1, claims: 'lease',
      monitor: { enabled: false, claimTimeoutMs: 1 },
    });
    await backend.createQueue('lt1');
    const [d] = await backend.enqueueJobs({ queue: 'lt1', jobs: [job('a', { attemptsAllowed: 2 })] });
    await backend.dequeueJobs(dequeueReq('lt1', 1));
    await eventually(async () => expect((await backend.runMonitorOnce()).queues.lt1).toMatchObject({ timeoutRetry: 1 }));
    expect(await jobRow(d as string)).toMatchObject({ state: JobState.PENDING, attempts_remaining: 1 });
    const again = await backend.dequeueJobs(dequeueReq('lt1', 1, { claimDescriptor: 'host:9090:1:w:second' }));
    expect(again.jobs.map((j) => [j.descriptor, j.attemptsRemaining])).toEqual([[d, 1]]);
    await eventually(async () => expect((await backend.runMonitorOnce()).queues.lt1).toMatchObject({ timeoutDone: 1 }));
    expect(await jobRow(d as string)).toMatchObject({ state: JobState.FAILED, attempts_remaining: 0, claim_descriptor: 'host:9090:1:w:second' });
    await eventually(async () => expect(await leaseRows()).toEqual([]));
    expect(await backend.dequeueJobs(dequeueReq('lt1', 1))).toEqual({ jobs: [] });
  });
});

describe('Pacer lease mode: fencing and takeover', () => {
  it('writes no lease for a partition taken over, and the new owner does not serve leased jobs again', async () => {
    await backend.createQueue('lf1');
    const ds = await backend.enqueueJobs({ queue: 'lf1', jobs: [job('a'), job('b'), job('c')] });
    expect((await backend.dequeueJobs(dequeueReq('lf1', 1))).jobs.map((j) => j.descriptor)).toEqual([ds[0]]);
    // Another broker takes the partition (a newer epoch): the old one's next claim is rejected.
    await assignOwner(pool(), systemClock, 'lf1', 0, 'lease-b');
    await expect(backend.dequeueJobs(dequeueReq('lf1', 10))).rejects.toMatchObject({ code: ErrorCode.NO_HEALTHY_SHARDS });
    expect(await leaseRows()).toHaveLength(1);
    // A broker of a new backend takes over (it loads the open lease): b and c are served, a is not.
    const next = await leaseBackend('lease-c');
    try {
      const got = await next.dequeueJobs(dequeueReq('lf1', 10));
      expect(got.jobs.map((j) => j.body.toString()).sort()).toEqual(['b', 'c']);
      // The job claimed by the previous owner's lease is acked through the new owner.
      await next.ackDequeuedJobs({ queue: 'lf1', succeeded: [{ descriptor: ds[0] as string, appendCustomStatus: '', retryDelayMs: 0 }], failed: [] });
      expect(await jobRow(ds[0] as string)).toMatchObject({ state: JobState.SUCCEEDED });
    } finally {
      await next.close();
    }
  });
});
