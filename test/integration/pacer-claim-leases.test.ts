/**
 * The claim lease store (pacer/src/datastore/claim-leases.ts, migration 0003) against real MariaDB,
 * a fresh migrated database per test:
 * - a batch of leases is written by ONE fenced statement and read back per partition, in lease id
 *   order, page by page;
 * - a lease under a stale owner epoch is not written (and the outcome says so), nor deleted;
 * - a takeover (owner-lock FOR UPDATE, then owner-set, as partition-owners.ts does) and a
 *   concurrent insert or delete of the old owner serialize on the owner row, under REPEATABLE
 *   READ and READ COMMITTED alike;
 * - job ids near 2^53 and lease ids near 2^63 survive exactly, in JS and for SQL (JSON_TABLE);
 * - queue names compare byte for byte (ascii_bin), as everywhere else;
 * - deleting a queue deletes its leases.
 */
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { createMysqlPool } from '../../pacer/src/datastore/mysql-pool';
import { deleteLeases, insertLeases, liveLeases, MAX_LEASE_PAGE, type ClaimLease } from '../../pacer/src/datastore/claim-leases';
import { leaseIdOf, MAX_LEASE_COUNTER, MAX_LEASE_EPOCH } from '../../pacer/src/datastore/claim-lease-id';
import { assignOwner, type OwnerRef } from '../../pacer/src/datastore/partition-owners';
import { QueueRegistry } from '../../pacer/src/datastore/queue-registry';
import { sql } from '../../pacer/src/datastore/sql-loader';
import { TABLES } from '../../pacer/src/datastore/tables';
import { eventually } from '../support/eventually';
import { fakeTime } from '../support/fake-time';
import { assertNoLeaks } from '../support/leak-check';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';

const time = fakeTime({ startMs: 1_700_000_000_000 });
let fx: PacerDb;
let pool: Pool;
const extraPools: Pool[] = [];

beforeEach(async () => {
  fx = await freshPacerDb();
  pool = createMysqlPool({ ...fx.mysql, connectionLimit: 4, connectTimeoutMs: 5000 });
});
afterEach(async () => {
  for (const p of extraPools.splice(0)) await p.end();
  await pool?.end();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

async function createQueue(name: string, numPartitions = 2): Promise<void> {
  await new QueueRegistry(pool, time.clock, { numPartitions, numPriorities: 3, cacheMs: 0 }).create(name);
}

/** Makes `ownerId` the owner of the partition (a newer epoch, or `epoch`). */
async function own(queue: string, partition: number, ownerId: string, epoch?: number): Promise<OwnerRef> {
  return { queue, partition, ownerId, epoch: await assignOwner(pool, time.clock, queue, partition, ownerId, epoch) };
}

function lease(owner: OwnerRef, counter: number, jobIds: readonly number[], claimDescriptor = `host:9090:1:w:${counter}`): ClaimLease {
  return { owner, leaseId: leaseIdOf(owner.epoch, counter), claimDescriptor, claimedAtMs: time.clock.nowMs() + counter, jobIds };
}

const all = (queue: string, partition: number): Promise<ClaimLease[]> => liveLeases(pool, queue, partition, { limit: MAX_LEASE_PAGE });

async function leaseRowCount(): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${TABLES.claimLeases}`);
  return Number(rows[0]?.n);
}

describe('claim lease store', () => {
  it('writes a batch in one statement and reads each partition back in lease id order, page by page', async () => {
    await createQueue('cl1');
    const p0 = await own('cl1', 0, 'broker-a');
    const p1 = await own('cl1', 1, 'broker-a');
    const batch = [lease(p0, 2, [11, 12]), lease(p1, 0, [13]), lease(p0, 1, [14, 15, 16], 'host:9090:1:w:other')];
    expect(await insertLeases(pool, batch)).toEqual({ written: batch, rejected: [] });
    expect(await all('cl1', 0)).toEqual([batch[2], batch[0]]);
    expect(await all('cl1', 1)).toEqual([batch[1]]);

    const first = await liveLeases(pool, 'cl1', 0, { limit: 1 });
    expect(first).toEqual([batch[2]]);
    expect(await liveLeases(pool, 'cl1', 0, { limit: 1, afterLeaseId: first[0]?.leaseId })).toEqual([batch[0]]);
    expect(await liveLeases(pool, 'cl1', 0, { limit: 1, afterLeaseId: batch[0]?.leaseId })).toEqual([]);
    expect(await insertLeases(pool, [])).toEqual({ written: [], rejected: [] });
  });

  it('pages are bounded: a limit outside 1 … MAX_LEASE_PAGE is refused', async () => {
    await createQueue('cl2');
    for (const limit of [0, MAX_LEASE_PAGE + 1, 1.5]) await expect(liveLeases(pool, 'cl2', 0, { limit })).rejects.toThrow(RangeError);
  });

  it('a lease under a stale owner epoch is not written, and the outcome says which were', async () => {
    await createQueue('cl3');
    const stale = await own('cl3', 0, 'broker-a');
    const p1 = await own('cl3', 1, 'broker-a');
    const taker = await own('cl3', 0, 'broker-b');
    expect(taker.epoch).toBeGreaterThan(stale.epoch);
    const batch = [lease(stale, 0, [1]), lease(p1, 0, [2]), lease(stale, 1, [3])];
    expect(await insertLeases(pool, batch)).toEqual({ written: [batch[1]], rejected: [batch[0], batch[2]] });
    expect(await all('cl3', 0)).toEqual([]);
    // Right epoch, wrong owner id: rejected too.
    const impostor = lease({ ...taker, ownerId: 'broker-a' }, 0, [4]);
    expect(await insertLeases(pool, [impostor])).toEqual({ written: [], rejected: [impostor] });
    expect(await leaseRowCount()).toBe(1);
  });

  it('refuses a batch that breaks the contract before writing anything', async () => {
    await createQueue('cl4');
    const owner = await own('cl4', 0, 'broker-a');
    const good = lease(owner, 0, [1]);
    await expect(insertLeases(pool, [good, { ...lease(owner, 1, [2]), leaseId: leaseIdOf(owner.epoch + 1, 1) }])).rejects.toThrow(/carries epoch/);
    await expect(insertLeases(pool, [good, lease({ ...owner, ownerId: 'broker-b' }, 1, [2])])).rejects.toThrow(/two owners/);
    await expect(insertLeases(pool, [good, lease(owner, 0, [2])])).rejects.toThrow(/appears twice/);
    await expect(insertLeases(pool, [good, lease(owner, 1, [])])).rejects.toThrow(/at least one job/);
    await expect(insertLeases(pool, [good, lease(owner, 1, [2], 'x'.repeat(201))])).rejects.toThrow(/claim descriptor longer/);
    expect(await leaseRowCount()).toBe(0);
  });

  it.each(['REPEATABLE READ', 'READ COMMITTED'])('a takeover serializes with a concurrent insert and delete of the old owner (%s)', async (isolation) => {
    await createQueue('cl5');
    const a0 = await own('cl5', 0, 'broker-a');
    const a1 = await own('cl5', 1, 'broker-a');
    const before = lease(a0, 0, [1, 2]);
    expect((await insertLeases(pool, [before])).written).toEqual([before]);
    const inserter = await sessionPool(isolation);
    const deleter = await sessionPool(isolation);

    const takeover = await pool.getConnection();
    try {
      await takeover.query('START TRANSACTION');
      const [locked] = await takeover.query<RowDataPacket[]>(sql('owner-lock'), ['cl5', 0]);
      expect(Number(locked[0]?.epoch)).toBe(a0.epoch);
      const during = [lease(a0, 1, [3]), lease(a1, 0, [4])];
      const inserting = insertLeases(inserter.pool, during);
      const deleting = deleteLeases(deleter.pool, a0, [before.leaseId], Date.now());
      await eventually(async () => expect([await trxState(inserter.threadId), await trxState(deleter.threadId)]).toEqual(['LOCK WAIT', 'LOCK WAIT']), { intervalMs: 200 });
      await takeover.query(sql('owner-set'), ['broker-b', a0.epoch + 1, time.clock.nowMs(), 'cl5', 0]);
      await takeover.query('COMMIT');
      expect(await inserting).toEqual({ written: [during[1]], rejected: [during[0]] });
      expect(await deleting).toBe(0);
    } finally {
      await rollbackAndRelease(takeover);
    }
    for (const session of [inserter, deleter]) expect(await session.isolation()).toBe(isolation.replace(' ', '-')); // ran as set

    // The new owner loads the previous owner's lease written before the takeover, and only that.
    const b0: OwnerRef = { queue: 'cl5', partition: 0, ownerId: 'broker-b', epoch: a0.epoch + 1 };
    expect(await all('cl5', 0)).toEqual([before]);
    expect(await deleteLeases(pool, b0, [before.leaseId], Date.now())).toBe(1);
  });

  it('delete is fenced by the deleting owner epoch, and stays in its partition', async () => {
    await createQueue('cl6');
    const a0 = await own('cl6', 0, 'broker-a');
    const a1 = await own('cl6', 1, 'broker-a');
    const leases = [lease(a0, 0, [1]), lease(a0, 1, [2]), lease(a1, 0, [3])];
    await insertLeases(pool, leases);
    const b0 = await own('cl6', 0, 'broker-b');

    expect(await deleteLeases(pool, a0, [leases[0]?.leaseId as bigint], Date.now())).toBe(0); // stale owner: nothing
    expect(await all('cl6', 0)).toEqual(leases.slice(0, 2));
    // The partition-1 lease has the same id as a partition-0 one: deleting in partition 0 leaves it.
    expect(leases[2]?.leaseId).toBe(leases[0]?.leaseId);
    expect(await deleteLeases(pool, b0, [leases[0]?.leaseId as bigint, leaseIdOf(b0.epoch, 99)], Date.now())).toBe(1);
    expect(await all('cl6', 0)).toEqual([leases[1]]);
    expect(await all('cl6', 1)).toEqual([leases[2]]);
    expect(await deleteLeases(pool, a1, [leases[2]?.leaseId as bigint], Date.now())).toBe(1);
    expect(await deleteLeases(pool, a1, [], Date.now())).toBe(0);
    expect(await leaseRowCount()).toBe(1);
  });

  it('job ids near 2^53 and lease ids near 2^63 survive exactly, in JS and for SQL (JSON_TABLE)', async () => {
    await createQueue('cl7', 1);
    const top = 2 ** 53 - 1; // Number.MAX_SAFE_INTEGER
    await pool.query(`ALTER TABLE ${TABLES.jobs} AUTO_INCREMENT = ${top - 2}`);
    const ids = await insertJobs('cl7', 4); // top - 2 … top + 1
    expect(ids).toEqual([String(top - 2), String(top - 1), String(top), String(2n ** 53n)]);
    const owner = await own('cl7', 0, 'broker-a', MAX_LEASE_EPOCH);
    const safe = [top - 2, top - 1, top];
    const highest = { ...lease(owner, 0, safe), leaseId: leaseIdOf(MAX_LEASE_EPOCH, MAX_LEASE_COUNTER) };
    expect(highest.leaseId).toBe(2n ** 63n - 1n);
    expect((await insertLeases(pool, [highest])).written).toEqual([highest]);
    expect(await all('cl7', 0)).toEqual([highest]);
    // SQL reads the stored array exactly: every leased id joins its job row.
    const [joined] = await pool.query<RowDataPacket[]>(
      `SELECT CAST(j.id AS CHAR) AS id, CAST(l.lease_id AS CHAR) AS lease FROM ${TABLES.claimLeases} l,
       JSON_TABLE(l.job_ids, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) t JOIN ${TABLES.jobs} j ON j.id = t.id ORDER BY j.id`,
    );
    expect(joined.map((r) => [r.id, r.lease])).toEqual(ids.slice(0, 3).map((id) => [id, String(2n ** 63n - 1n)]));

    // An id a JS number cannot hold is refused on the way in, and never read back rounded.
    await expect(insertLeases(pool, [lease(owner, 1, [2 ** 53])])).rejects.toThrow(/not a positive safe integer/);
    expect(await leaseRowCount()).toBe(1);
    await pool.query(`UPDATE ${TABLES.claimLeases} SET job_ids = ? WHERE queue = 'cl7'`, [`[${ids[3]}]`]);
    await expect(all('cl7', 0)).rejects.toThrow(/not a positive safe integer/);
  });

  it('queue names compare byte for byte: leases of queues differing in case stay apart', async () => {
    await createQueue('clcase', 1);
    await createQueue('CLCASE', 1);
    const lower = await own('clcase', 0, 'broker-a');
    const upper = await own('CLCASE', 0, 'broker-a');
    expect(upper.epoch).toBe(lower.epoch);
    const batch = [lease(lower, 0, [1]), lease(upper, 1, [2])];
    expect(await insertLeases(pool, batch)).toEqual({ written: batch, rejected: [] });
    expect(await all('clcase', 0)).toEqual([batch[0]]);
    expect(await all('CLCASE', 0)).toEqual([batch[1]]);
    expect(await leaseRowCount()).toBe(2);
  });

  it('deleting a queue deletes its leases (and no other queue\'s); its old owner can write none afterwards', async () => {
    await createQueue('cldel', 2);
    await createQueue('clkeep', 1);
    const p0 = await own('cldel', 0, 'broker-a');
    const p1 = await own('cldel', 1, 'broker-a');
    const keep = await own('clkeep', 0, 'broker-a');
    const kept = lease(keep, 0, [9]);
    expect((await insertLeases(pool, [lease(p0, 0, [1, 2]), lease(p1, 0, [3]), kept])).written).toHaveLength(3);
    await new QueueRegistry(pool, time.clock, { numPartitions: 2, numPriorities: 3, cacheMs: 0 }).delete('cldel');
    expect(await all('cldel', 0)).toEqual([]);
    expect(await all('cldel', 1)).toEqual([]);
    expect(await all('clkeep', 0)).toEqual([kept]);
    const late = lease(p0, 1, [4]);
    expect(await insertLeases(pool, [late])).toEqual({ written: [], rejected: [late] });
    expect(await leaseRowCount()).toBe(1);
  });
});

/**
 * A pool of ONE connection at `isolation`, as a broker's statements would run: its thread id names
 * the transaction of whatever the pool runs.
 */
async function sessionPool(isolation: string): Promise<{ pool: Pool; threadId: number; isolation: () => Promise<string> }> {
  const one = createMysqlPool({ ...fx.mysql, connectionLimit: 1, connectTimeoutMs: 5000 });
  extraPools.push(one);
  await one.query(`SET SESSION TRANSACTION ISOLATION LEVEL ${isolation}`);
  const [[session]] = await one.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
  const threadId = Number(session?.id);
  const current = async (): Promise<string> => {
    const [[row]] = await one.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id, @@tx_isolation AS isolation');
    if (Number(row?.id) !== threadId) throw new Error('the one-connection pool reconnected');
    return String(row?.isolation);
  };
  return { pool: one, threadId, isolation: current };
}

/**
 * InnoDB's state of the transaction of connection `threadId` (undefined: none running). InnoDB
 * refreshes the INNODB_TRX table only when it was not read for 100 ms: poll it more slowly than that.
 */
async function trxState(threadId: number): Promise<string | undefined> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT trx_state FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?', [threadId]);
  return rows[0]?.trx_state as string | undefined;
}

async function rollbackAndRelease(conn: PoolConnection): Promise<void> {
  await conn.query('ROLLBACK').catch(() => undefined);
  conn.release();
}

/** `n` pending jobs of partition 0 inserted directly; their ids as decimal strings (exact past 2^53). */
async function insertJobs(queue: string, n: number): Promise<string[]> {
  const at = time.clock.nowMs();
  const rows = Array.from({ length: n }, (_, i) => [queue, 0, 1, 0, 1, 1, '', at, at, at, Buffer.from(`job ${i}`)]);
  await pool.query(
    `INSERT INTO ${TABLES.jobs} (queue, part, priority, state, attempts_allowed, attempts_remaining, custom_status, created_at_ms, updated_at_ms, run_after_ms, body) VALUES ?`,
    [rows],
  );
  const [found] = await pool.query<RowDataPacket[]>(`SELECT CAST(id AS CHAR) AS id FROM ${TABLES.jobs} WHERE queue = ? ORDER BY id`, [queue]);
  return found.map((r) => String(r.id));
}
