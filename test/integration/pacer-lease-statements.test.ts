/**
 * Lease mode's statements against real MariaDB (pacer/src/datastore/lease-claims.ts, lease-acks.ts;
 * issue 15), a fresh migrated database per test:
 * - a claim's lease names only the jobs still PENDING and due in its partition; a lease none of
 *   whose jobs is left is not written, and its owner is not taken for fenced; a stale owner's lease
 *   is not written and its owner is reported fenced;
 * - a job deleted by a transaction the claim waits for drops out of the lease (the claim reads the
 *   job rows with a share lock, after that commit);
 * - an ack settles a job under the lease the broker's map pairs it with (partition-leases.spec.ts:
 *   only a lease that names it), once: a second ack, or one after a later lease settled the job,
 *   changes nothing. The ack leaves the row's claim descriptor NULL (no row growth, migration
 *   0004): the row reads its lease's descriptor, from the lease, then from settled_descriptors once
 *   the lease is deleted, until the monitor's GC finds no job that can name it.
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { createMysqlPool } from '../../pacer/src/datastore/mysql-pool';
import { assignOwner, type OwnerRef } from '../../pacer/src/datastore/partition-owners';
import { QueueRegistry } from '../../pacer/src/datastore/queue-registry';
import { JobWriter } from '../../pacer/src/datastore/job-writer';
import { claimLeases } from '../../pacer/src/datastore/lease-claims';
import { ackLeasedSucceeded, type LeasedAck } from '../../pacer/src/datastore/lease-acks';
import { deleteLeases } from '../../pacer/src/datastore/claim-leases';
import { timeOutLeases } from '../../pacer/src/datastore/lease-settlement';
import { collectSettledDescriptors, SETTLED_DESCRIPTOR_CLOCK_MARGIN_MS } from '../../pacer/src/datastore/settled-descriptors';
import { sql } from '../../pacer/src/datastore/sql-loader';
import { leaseIdOf } from '../../pacer/src/datastore/claim-lease-id';
import { TABLES } from '../../pacer/src/datastore/tables';
import { JobState } from '../../core/src/types/job-state';
import { systemClock } from '../../core/src/util/clock';
import { eventually } from '../support/eventually';
import { claimsRunning } from '../support/lock-waits';
import { assertNoLeaks } from '../support/leak-check';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';

let fx: PacerDb;
let pool: Pool;

beforeEach(async () => {
  fx = await freshPacerDb();
  pool = createMysqlPool({ ...fx.mysql, connectionLimit: 4, connectTimeoutMs: 5000 });
});
afterEach(async () => {
  await pool.end();
  await fx.db.drop();
});
afterAll(assertNoLeaks);

async function setup(queue: string, count: number, runAfterMs = 0): Promise<{ owner: OwnerRef; ids: number[] }> {
  await new QueueRegistry(pool, systemClock, { numPartitions: 1, numPriorities: 3, cacheMs: 0 }).create(queue);
  const owner: OwnerRef = { queue, partition: 0, ownerId: 'b1', epoch: await assignOwner(pool, systemClock, queue, 0, 'b1') };
  const ids = await new JobWriter(pool).insert(Array.from({ length: count }, () => ({
    queue, partition: 0, priority: 1, state: JobState.PENDING, attemptsAllowed: 2, attemptsRemaining: 2, customStatus: '',
    createdAtMs: 1, updatedAtMs: 1, runAfterMs, body: Buffer.from('x'),
  })));
  return { owner, ids };
}

const NOW = 1_000;

describe('lease claim statement', () => {
  it('names only jobs still pending and due; writes nothing for a lease with none left; fences a stale owner', async () => {
    const { owner, ids } = await setup('ls1', 4);
    const [a, b, c, d] = ids as [number, number, number, number];
    await pool.query(`UPDATE ${TABLES.jobs} SET state = 2 WHERE id = ?`, [b]);
    await pool.query(`UPDATE ${TABLES.jobs} SET run_after_ms = ? WHERE id = ?`, [NOW + 1, c]);
    await pool.query(`DELETE FROM ${TABLES.jobs} WHERE id = ?`, [d]);
    const out = await claimLeases(pool, [{ owner, claimDescriptor: 'w:1', ids: [a, b, c, d], leaseId: leaseIdOf(owner.epoch, 1) }], NOW);
    expect(out.leases.map((l) => l.jobIds)).toEqual([[a]]);
    expect([...out.claimed]).toEqual([a]);
    expect(out.fenced).toEqual([]);
    const none = await claimLeases(pool, [{ owner, claimDescriptor: 'w:2', ids: [b, d], leaseId: leaseIdOf(owner.epoch, 2) }], NOW);
    expect(none).toMatchObject({ leases: [], fenced: [] });
    const newer = await assignOwner(pool, systemClock, 'ls1', 0, 'b2');
    const stale = await claimLeases(pool, [{ owner, claimDescriptor: 'w:3', ids: [c], leaseId: leaseIdOf(owner.epoch, 3) }], NOW + 5);
    expect(stale).toMatchObject({ leases: [], fenced: [owner] });
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT lease_id FROM ${TABLES.claimLeases}`);
    expect(rows.map((r) => BigInt(String(r.lease_id)))).toEqual([leaseIdOf(owner.epoch, 1)]);
    expect(newer).toBeGreaterThan(owner.epoch);
  });

  it('waits for a transaction that deletes a named job, and then leaves that job out', async () => {
    const { owner, ids } = await setup('ls2', 2);
    const [a, b] = ids as [number, number];
    const conn = await pool.getConnection();
    try {
      await conn.query('START TRANSACTION');
      await conn.query(`DELETE FROM ${TABLES.jobs} WHERE id = ?`, [a]);
      const claim = claimLeases(pool, [{ owner, claimDescriptor: 'w:1', ids: [a, b], leaseId: leaseIdOf(owner.epoch, 1) }], NOW);
      // The claim waits for the row lock of a, which the open transaction deleted, before that commits.
      await eventually(async () => expect(await claimsRunning(pool, fx.db.name, 'w:1')).toBe(1));
      await conn.query('COMMIT');
      expect((await claim).leases.map((l) => l.jobIds)).toEqual([[b]]);
    } finally {
      conn.release();
    }
  });
});

/** The claim descriptor job `id` reads (settled-descriptor.sql over its row). */
async function readDescriptor(id: number): Promise<string | null> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT ${sql('settled-descriptor')} AS d FROM ${TABLES.jobs} j WHERE j.id = ?`, [id]);
  return (rows[0]?.d as string | null | undefined) ?? null;
}

describe('lease ack statement', () => {
  it('settles a job once under its lease, leaving the descriptor to the lease', async () => {
    const { owner, ids } = await setup('ls3', 1);
    const [a] = ids as [number];
    const first = leaseIdOf(owner.epoch, 1);
    await claimLeases(pool, [{ owner, claimDescriptor: 'w:1', ids: [a], leaseId: first }], NOW);
    const ack = (leaseId: bigint, status: string): LeasedAck => ({
      queue: 'ls3', ref: { queue: 'ls3', partition: 0, priority: 1, id: a }, info: { descriptor: `ls3:spacer0:p1:${a}`, appendCustomStatus: status, retryDelayMs: 0 },
      leaseId, claimDescriptor: 'w:1',
    });
    expect(await ackLeasedSucceeded(pool, [ack(first, 'ok')], NOW)).toBe(1);
    expect(await ackLeasedSucceeded(pool, [ack(first, 'again')], NOW)).toBe(0);
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT state, custom_status, claim_descriptor, settled_lease FROM ${TABLES.jobs} WHERE id = ?`, [a]);
    expect(rows[0]).toMatchObject({ state: JobState.SUCCEEDED, custom_status: 'ok', claim_descriptor: null, settled_lease: Number(first) });
    expect(await readDescriptor(a)).toBe('w:1'); // from the live lease
  });

  it('reads a settled job\'s descriptor after its lease is deleted, until no job of the partition can name it', async () => {
    const { owner, ids } = await setup('ls5', 3);
    const [a, b, c] = ids as [number, number, number];
    const first = leaseIdOf(owner.epoch, 1);
    const second = leaseIdOf(owner.epoch, 2);
    await claimLeases(pool, [{ owner, claimDescriptor: 'w:1', ids: [a, b], leaseId: first }], NOW);
    await claimLeases(pool, [{ owner, claimDescriptor: 'w:2', ids: [c], leaseId: second }], NOW);
    const ack = (id: number, leaseId: bigint, claimDescriptor: string): LeasedAck => ({
      queue: 'ls5', ref: { queue: 'ls5', partition: 0, priority: 1, id }, info: { descriptor: `ls5:spacer0:p1:${id}`, appendCustomStatus: '', retryDelayMs: 0 },
      leaseId, claimDescriptor,
    });
    expect(await ackLeasedSucceeded(pool, [ack(a, first, 'w:1'), ack(b, first, 'w:1'), ack(c, second, 'w:2')], NOW)).toBe(3);
    expect(await deleteLeases(pool, owner, [first], NOW + 5)).toBe(1);
    const [leases] = await pool.query<RowDataPacket[]>(`SELECT lease_id FROM ${TABLES.claimLeases}`);
    expect(leases.map((r) => String(r.lease_id))).toEqual([second.toString()]);
    expect([await readDescriptor(a), await readDescriptor(b), await readDescriptor(c)]).toEqual(['w:1', 'w:1', 'w:2']);
    const [kept] = await pool.query<RowDataPacket[]>(`SELECT lease_id, claim_descriptor, settled_at_ms FROM ${TABLES.settledDescriptors}`);
    expect(kept.map((r) => ({ ...r }))).toEqual([{ lease_id: Number(first), claim_descriptor: 'w:1', settled_at_ms: NOW + 5 }]);

    // GC: kept while a SUCCEEDED job of the partition is at most the clock margin newer than it.
    const later = NOW + 5 + SETTLED_DESCRIPTOR_CLOCK_MARGIN_MS + 60_000;
    expect(await collectSettledDescriptors(pool, 'ls5', 0, later, 100)).toBe(0);
    await pool.query(`DELETE FROM ${TABLES.jobs} WHERE id IN (?)`, [[a, b]]); // the job GC took the jobs acked under it
    await pool.query(`UPDATE ${TABLES.jobs} SET updated_at_ms = ? WHERE id = ?`, [later, c]);
    expect(await collectSettledDescriptors(pool, 'ls5', 0, later, 100)).toBe(1);
    expect(await readDescriptor(c)).toBe('w:2');

    // deleteQueue takes the queue's settled descriptors with it.
    expect(await deleteLeases(pool, owner, [second], later)).toBe(1);
    expect(await readDescriptor(c)).toBe('w:2');
    await new QueueRegistry(pool, systemClock, { numPartitions: 1, numPriorities: 3, cacheMs: 0 }).delete('ls5');
    const [[left]] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${TABLES.settledDescriptors}`);
    expect(Number(left?.n)).toBe(0);
  });

  it('keeps the descriptor of a timed-out lease for the jobs acked under it before the timeout', async () => {
    const { owner, ids } = await setup('ls6', 2);
    const [a, b] = ids as [number, number];
    const lease = leaseIdOf(owner.epoch, 1);
    await claimLeases(pool, [{ owner, claimDescriptor: 'w:1', ids: [a, b], leaseId: lease }], NOW);
    const ack: LeasedAck = {
      queue: 'ls6', ref: { queue: 'ls6', partition: 0, priority: 1, id: a }, info: { descriptor: `ls6:spacer0:p1:${a}`, appendCustomStatus: '', retryDelayMs: 0 },
      leaseId: lease, claimDescriptor: 'w:1',
    };
    expect(await ackLeasedSucceeded(pool, [ack], NOW)).toBe(1);
    const timedOut = await timeOutLeases(pool, owner, { queue: 'ls6', partition: 0, claimedBeforeMs: NOW + 1, nowMs: NOW + 2, maxJobs: 100 });
    expect(timedOut).toMatchObject({ timeoutDone: 0, timeoutRetry: 1, leaseIds: [lease] });
    const [leases] = await pool.query<RowDataPacket[]>(`SELECT lease_id FROM ${TABLES.claimLeases}`);
    expect(leases).toEqual([]);
    expect(await readDescriptor(a)).toBe('w:1'); // SUCCEEDED under the lease
    expect(await readDescriptor(b)).toBeNull(); // PENDING again: no claim, as PinLater
  });

  it('ignores an ack under an old lease once a later lease settled the job', async () => {
    const { owner, ids } = await setup('ls4', 1);
    const [a] = ids as [number];
    // The job was claimed by lease 1, retried (settled by 1), claimed again by lease 2 and settled by it.
    await pool.query(`UPDATE ${TABLES.jobs} SET settled_lease = ? WHERE id = ?`, [leaseIdOf(owner.epoch, 2), a]);
    const old: LeasedAck = {
      queue: 'ls4', ref: { queue: 'ls4', partition: 0, priority: 1, id: a }, info: { descriptor: `ls4:spacer0:p1:${a}`, appendCustomStatus: '', retryDelayMs: 0 },
      leaseId: leaseIdOf(owner.epoch, 1), claimDescriptor: 'w:1',
    };
    expect(await ackLeasedSucceeded(pool, [old], NOW)).toBe(0);
  });

  it('settles a job named under two leases in one statement by the newer one (the older settled it before)', async () => {
    const { owner, ids } = await setup('ls7', 1);
    const [a] = ids as [number];
    const first = leaseIdOf(owner.epoch, 1);
    const second = leaseIdOf(owner.epoch, 2);
    // Claimed by lease 1, failed with attempts left (settled by 1, PENDING again), claimed by lease 2.
    await pool.query(`UPDATE ${TABLES.jobs} SET settled_lease = ? WHERE id = ?`, [first, a]);
    await claimLeases(pool, [{ owner, claimDescriptor: 'w:2', ids: [a], leaseId: second }], NOW);
    const ack = (leaseId: bigint): LeasedAck => ({
      queue: 'ls7', ref: { queue: 'ls7', partition: 0, priority: 1, id: a }, info: { descriptor: `ls7:spacer0:p1:${a}`, appendCustomStatus: '', retryDelayMs: 0 },
      leaseId, claimDescriptor: leaseId === first ? 'w:1' : 'w:2',
    });
    expect(await ackLeasedSucceeded(pool, [ack(first), ack(second)], NOW)).toBe(1);
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT state, settled_lease FROM ${TABLES.jobs} WHERE id = ?`, [a]);
    expect(rows[0]).toMatchObject({ state: JobState.SUCCEEDED, settled_lease: Number(second) });
  });

  it("leaves a job whose descriptor names another queue, partition or priority, and settles the rest of the statement", async () => {
    const { owner, ids } = await setup('ls8', 4);
    const [a, b, c, d] = ids as [number, number, number, number];
    const lease = leaseIdOf(owner.epoch, 1);
    await claimLeases(pool, [{ owner, claimDescriptor: 'w:1', ids: [a, b, c, d], leaseId: lease }], NOW);
    const ack = (id: number, queue: string, partition: number, priority: number): LeasedAck => ({
      queue, ref: { queue, partition, priority, id }, info: { descriptor: `${queue}:spacer${partition}:p${priority}:${id}`, appendCustomStatus: '', retryDelayMs: 0 },
      leaseId: lease, claimDescriptor: 'w:1',
    });
    expect(await ackLeasedSucceeded(pool, [ack(a, 'LS8', 0, 1), ack(b, 'ls8', 1, 1), ack(c, 'ls8', 0, 2), ack(d, 'ls8', 0, 1)], NOW)).toBe(1);
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT id, state FROM ${TABLES.jobs} ORDER BY id`);
    expect(rows.map((r) => [Number(r.id), Number(r.state)])).toEqual([[a, 0], [b, 0], [c, 0], [d, JobState.SUCCEEDED]]);
  });

  it('settles every job by its own lease when one call names more leases than a CASE takes (the JSON rows form)', async () => {
    const { owner, ids } = await setup('ls9', 230);
    const leaseOf = (i: number): bigint => leaseIdOf(owner.epoch, i + 1);
    for (let i = 0; i < ids.length; i += 1) await claimLeases(pool, [{ owner, claimDescriptor: `w:${i}`, ids: [ids[i] as number], leaseId: leaseOf(i) }], NOW);
    const acks = ids.map((id, i): LeasedAck => ({
      queue: 'ls9', ref: { queue: 'ls9', partition: 0, priority: 1, id }, info: { descriptor: `ls9:spacer0:p1:${id}`, appendCustomStatus: '', retryDelayMs: 0 },
      leaseId: leaseOf(i), claimDescriptor: `w:${i}`,
    }));
    expect(await ackLeasedSucceeded(pool, acks, NOW)).toBe(ids.length);
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT id, state, settled_lease FROM ${TABLES.jobs} ORDER BY id`);
    expect(rows.map((r) => [Number(r.id), Number(r.state), BigInt(String(r.settled_lease))])).toEqual(ids.map((id, i) => [id, JobState.SUCCEEDED, leaseOf(i)]));
  });
});
