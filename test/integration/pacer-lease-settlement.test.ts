/**
 * Claim leases settled without an ack (pacer/src/datastore/lease-settlement.ts, partition-monitor.ts;
 * issue 15) against real MariaDB, a fresh migrated database per test:
 * - a timed-out lease's jobs still claimed by it go FAILED on their last attempt, else PENDING with
 *   one attempt consumed and run_after unchanged, settled by the lease, which is then deleted;
 * - jobs acked under the lease, retried and claimed again by a later lease, claimed by a later lease
 *   (THE RULE: the highest lease claims), or in another partition are untouched;
 * - a stale owner changes nothing; a pass takes whole leases up to its bound, at least one;
 * - an ack and a timeout racing on the same job settle it once (each re-checks the locked row);
 * - a takeover's load returns each live lease with only the ids it still claims, page by page, and
 *   lists the leases that claim nothing any more;
 * - monitorPartition times out leases in its guarded pass, adding to its counts.
 */
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { createMysqlPool, execute } from '../../pacer/src/datastore/mysql-pool';
import { insertLeases, liveLeases, MAX_LEASE_PAGE, type ClaimLease } from '../../pacer/src/datastore/claim-leases';
import { leaseIdOf, MAX_LEASE_EPOCH } from '../../pacer/src/datastore/claim-lease-id';
import { loadOpenLeases, timeOutLeases, type LeaseTimeoutPass } from '../../pacer/src/datastore/lease-settlement';
import { monitorPartition, PINLATER_MONITOR_DEFAULTS } from '../../pacer/src/datastore/partition-monitor';
import { assignOwner, type OwnerRef } from '../../pacer/src/datastore/partition-owners';
import { QueueRegistry } from '../../pacer/src/datastore/queue-registry';
import { JobWriter } from '../../pacer/src/datastore/job-writer';
import { TABLES } from '../../pacer/src/datastore/tables';
import { withMysqlRetries } from '../../core/src/sql/mysql-retry';
import { JobState } from '../../core/src/types/job-state';
import { eventually } from '../support/eventually';
import { fakeTime } from '../support/fake-time';
import { assertNoLeaks } from '../support/leak-check';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';

const NOW = 1_700_000_000_000;
const TIMEOUT_MS = PINLATER_MONITOR_DEFAULTS.claimTimeoutMs;
const EXPIRED_AT = NOW - TIMEOUT_MS - 1;
const LIVE_AT = NOW - 1000;
const time = fakeTime({ startMs: NOW });
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

/** A queue whose partition `partition` is owned by `broker-a`. */
async function setup(queue: string, partition = 0, epoch?: number): Promise<OwnerRef> {
  await new QueueRegistry(pool, time.clock, { numPartitions: 2, numPriorities: 3, cacheMs: 0 }).create(queue);
  return own(queue, partition, 'broker-a', epoch);
}

async function own(queue: string, partition: number, ownerId: string, epoch?: number): Promise<OwnerRef> {
  return { queue, partition, ownerId, epoch: await assignOwner(pool, time.clock, queue, partition, ownerId, epoch) };
}

/** PENDING jobs, one per entry of `attemptsLeft` (of 3 allowed); created and due long ago. */
async function insertJobs(queue: string, partition: number, attemptsLeft: readonly number[], runAfterMs = NOW - 500_000): Promise<number[]> {
  return new JobWriter(pool).insert(attemptsLeft.map((left) => ({
    queue, partition, priority: 1, state: JobState.PENDING, attemptsAllowed: 3, attemptsRemaining: left, customStatus: 'cs',
    createdAtMs: 1, updatedAtMs: 1, runAfterMs, body: Buffer.from('x'),
  })));
}

function lease(owner: OwnerRef, counter: number, jobIds: readonly number[], claimedAtMs = EXPIRED_AT): ClaimLease {
  return { owner, leaseId: leaseIdOf(owner.epoch, counter), claimDescriptor: `host:9090:1:w:${counter}`, claimedAtMs, jobIds };
}

async function put(...leases: ClaimLease[]): Promise<void> {
  expect((await insertLeases(pool, leases)).written).toHaveLength(leases.length);
}

function pass(owner: OwnerRef, maxJobs = 5000): LeaseTimeoutPass {
  return { queue: owner.queue, partition: owner.partition, claimedBeforeMs: NOW - TIMEOUT_MS, nowMs: NOW, maxJobs };
}

interface JobRowView { state: number; attempts: number; runAfterMs: number; descriptor: string | null; updatedAtMs: number; settled: bigint }

async function rows(ids: readonly number[]): Promise<JobRowView[]> {
  const [found] = await pool.query<RowDataPacket[]>(
    `SELECT id, state, attempts_remaining, run_after_ms, claim_descriptor, updated_at_ms, CAST(settled_lease AS CHAR) AS settled
     FROM ${TABLES.jobs} WHERE id IN (?)`, [ids],
  );
  const byId = new Map(found.map((r) => [Number(r.id), {
    state: Number(r.state), attempts: Number(r.attempts_remaining), runAfterMs: Number(r.run_after_ms),
    descriptor: r.claim_descriptor === null ? null : String(r.claim_descriptor), updatedAtMs: Number(r.updated_at_ms), settled: BigInt(String(r.settled)),
  }]));
  return ids.map((id) => byId.get(id) as JobRowView);
}

/** An ack of jobs under `l` in plain SQL, as lease-ack-succeeded.sql settles them (only while `l` still claims each). */
const ACK_SQL = `UPDATE ${TABLES.jobs} SET state = 2, settled_lease = ?, claim_descriptor = ?, updated_at_ms = ?
  WHERE id IN (?) AND state = 0 AND settled_lease < ?`;
async function ack(db: Pool | PoolConnection, l: ClaimLease, ids: readonly number[]): Promise<number> {
  return (await execute(db, ACK_SQL, [l.leaseId, l.claimDescriptor, NOW - 10, ids, l.leaseId])).affectedRows;
}

/** A failure ack with attempts left under `l`: PENDING again later, one attempt consumed, settled by `l`. */
async function retried(l: ClaimLease, id: number, runAfterMs: number): Promise<void> {
  await pool.query(
    `UPDATE ${TABLES.jobs} SET settled_lease = ?, attempts_remaining = attempts_remaining - 1, run_after_ms = ?, claim_descriptor = NULL WHERE id = ?`,
    [l.leaseId, runAfterMs, id],
  );
}

const leasesOf = async (owner: OwnerRef): Promise<bigint[]> =>
  (await liveLeases(pool, owner.queue, owner.partition, { limit: MAX_LEASE_PAGE })).map((l) => l.leaseId);

describe('lease claim timeouts', () => {
  it('last attempt → FAILED with the lease descriptor, else PENDING with one attempt consumed and run_after unchanged; the lease is deleted', async () => {
    const owner = await setup('lt1');
    const [a, b, c, d] = await insertJobs('lt1', 0, [1, 2, 3, 2]) as [number, number, number, number];
    const old = lease(owner, 1, [a, b, c]);
    const young = lease(owner, 2, [d], LIVE_AT);
    await put(old, young);

    expect(await timeOutLeases(pool, owner, pass(owner))).toEqual({ timeoutDone: 1, timeoutRetry: 2, leaseIds: [old.leaseId] });
    const due = NOW - 500_000;
    expect(await rows([a, b, c, d])).toEqual([
      { state: JobState.FAILED, attempts: 0, runAfterMs: due, descriptor: old.claimDescriptor, updatedAtMs: NOW, settled: old.leaseId },
      { state: JobState.PENDING, attempts: 1, runAfterMs: due, descriptor: null, updatedAtMs: NOW, settled: old.leaseId },
      { state: JobState.PENDING, attempts: 2, runAfterMs: due, descriptor: null, updatedAtMs: NOW, settled: old.leaseId },
      { state: JobState.PENDING, attempts: 2, runAfterMs: due, descriptor: null, updatedAtMs: 1, settled: 0n }, // claimed recently: untouched
    ]);
    expect(await leasesOf(owner)).toEqual([young.leaseId]);
    expect(await timeOutLeases(pool, owner, pass(owner))).toEqual({ timeoutDone: 0, timeoutRetry: 0, leaseIds: [] });
  });

  it('leaves jobs the lease no longer claims: acked, retried, retried and claimed again, claimed by a later lease, or in another partition', async () => {
    const owner = await setup('lt2');
    const [acked, retriedOnly, reclaimed, open, later, gone] = await insertJobs('lt2', 0, [2, 3, 2, 2, 2, 2]) as [number, number, number, number, number, number];
    const [elsewhere] = await insertJobs('lt2', 1, [2]) as [number];
    const old = lease(owner, 1, [acked, retriedOnly, reclaimed, open, later, gone, elsewhere]);
    const next = lease(owner, 2, [reclaimed, later], LIVE_AT);
    await put(old);
    expect(await ack(pool, old, [acked])).toBe(1);
    await retried(old, retriedOnly, NOW - 5000);
    await retried(old, reclaimed, NOW - 5000);
    await put(next); // claims `reclaimed` again, and `later` (never settled by `old`: THE RULE gives it to the highest lease)
    await pool.query(`DELETE FROM ${TABLES.jobs} WHERE id = ?`, [gone]);
    const before = await rows([acked, retriedOnly, reclaimed, later, elsewhere]);

    expect(await timeOutLeases(pool, owner, pass(owner))).toEqual({ timeoutDone: 0, timeoutRetry: 1, leaseIds: [old.leaseId] });
    expect(await rows([acked, retriedOnly, reclaimed, later, elsewhere])).toEqual(before);
    expect((await rows([open]))[0]).toMatchObject({ state: JobState.PENDING, attempts: 1, settled: old.leaseId });
    expect(await leasesOf(owner)).toEqual([next.leaseId]);
  });

  it('a stale owner changes nothing, neither alone nor in monitorPartition; the new owner and the admin pass do', async () => {
    const stale = await setup('lt3');
    const [a, b] = await insertJobs('lt3', 0, [2, 2]) as [number, number];
    const l1 = lease(stale, 1, [a]);
    const l2 = lease(stale, 2, [b]);
    await put(l1, l2);
    const taker = await own('lt3', 0, 'broker-b');
    const before = await rows([a, b]);

    expect(await timeOutLeases(pool, stale, pass(stale))).toBeUndefined();
    expect(await monitorPartition(pool, PINLATER_MONITOR_DEFAULTS, 'lt3', 0, NOW, stale)).toBeUndefined();
    expect(await rows([a, b])).toEqual(before);
    expect(await leasesOf(taker)).toEqual([l1.leaseId, l2.leaseId]);

    expect(await timeOutLeases(pool, taker, pass(taker, 1))).toEqual({ timeoutDone: 0, timeoutRetry: 1, leaseIds: [l1.leaseId] });
    expect(await timeOutLeases(pool, null, pass(taker))).toEqual({ timeoutDone: 0, timeoutRetry: 1, leaseIds: [l2.leaseId] });
    expect(await leasesOf(taker)).toEqual([]);
    await expect(timeOutLeases(pool, { ...taker, partition: 1 }, pass(taker))).rejects.toThrow(/cannot time out leases of lt3\/0/);
  });

  it('a pass takes whole leases up to its bound, and at least one', async () => {
    const owner = await setup('lt4');
    const ids = await insertJobs('lt4', 0, Array(9).fill(2));
    const ls = [lease(owner, 1, ids.slice(0, 3)), lease(owner, 2, ids.slice(3, 6)), lease(owner, 3, ids.slice(6))];
    await put(...ls);
    expect(await timeOutLeases(pool, owner, pass(owner, 8))).toEqual({ timeoutDone: 0, timeoutRetry: 6, leaseIds: [ls[0]?.leaseId, ls[1]?.leaseId] });
    expect(await leasesOf(owner)).toEqual([ls[2]?.leaseId]);
    expect(await timeOutLeases(pool, owner, pass(owner, 2))).toEqual({ timeoutDone: 0, timeoutRetry: 3, leaseIds: [ls[2]?.leaseId] });
    await expect(timeOutLeases(pool, owner, pass(owner, 0))).rejects.toThrow(RangeError);
  });

  it('more jobs than one statement names (1000), and lease ids above 2^53, are settled exactly', async () => {
    const owner = await setup('lt5', 0, MAX_LEASE_EPOCH);
    const ids = await insertJobs('lt5', 0, Array.from({ length: 2100 }, (_, i) => (i % 3 === 0 ? 1 : 2)));
    const ls = [lease(owner, 1, ids.slice(0, 1500)), lease(owner, 2, ids.slice(1500))];
    await put(...ls);
    expect(ls[1]?.leaseId).toBeGreaterThan(2n ** 62n);
    expect(await timeOutLeases(pool, owner, pass(owner))).toEqual({ timeoutDone: 700, timeoutRetry: 1400, leaseIds: ls.map((l) => l.leaseId) });
    const after = await rows(ids);
    after.forEach((r, i) => expect(r.settled).toBe(i < 1500 ? ls[0]?.leaseId : ls[1]?.leaseId));
  });
});

describe('a timeout racing with an ack settles each job once', () => {
  it.each(['REPEATABLE READ', 'READ COMMITTED'])('an ack holding the row lock commits first: the waiting timeout leaves its jobs (%s)', async (isolation) => {
    const owner = await setup('lr1');
    const [last, more, other] = await insertJobs('lr1', 0, [1, 2, 2]) as [number, number, number];
    const l = lease(owner, 1, [last, more, other]);
    await put(l);
    const session = await sessionPool(isolation);
    const acker = await pool.getConnection();
    try {
      await acker.query('START TRANSACTION');
      expect(await ack(acker, l, [last, more])).toBe(2);
      const timing = timeOutLeases(session.pool, owner, pass(owner));
      await eventually(async () => expect(await trxState(session.threadId)).toBe('LOCK WAIT'), { intervalMs: 200 });
      await acker.query('COMMIT');
      expect(await timing).toEqual({ timeoutDone: 0, timeoutRetry: 1, leaseIds: [l.leaseId] });
    } finally {
      await acker.query('ROLLBACK').catch(() => undefined);
      acker.release();
    }
    expect(await rows([last, more, other])).toEqual([
      expect.objectContaining({ state: JobState.SUCCEEDED, attempts: 1, settled: l.leaseId }),
      expect.objectContaining({ state: JobState.SUCCEEDED, attempts: 2, settled: l.leaseId }),
      expect.objectContaining({ state: JobState.PENDING, attempts: 1, settled: l.leaseId }),
    ]);
  });

  it('many rounds of acks and a timeout pass on two connections: every job settled exactly once', async () => {
    const owner = await setup('lr2');
    const ackPool = await sessionPool('REPEATABLE READ');
    const tally = { acked: 0, timedOut: 0 };
    for (let round = 1; round <= 25; round += 1) {
      const attempts = Array.from({ length: 40 }, (_, i) => 1 + (i % 2));
      const ids = await insertJobs('lr2', 0, attempts);
      const l = lease(owner, round, ids);
      await put(l);
      const shuffled = [...ids].sort(() => Math.random() - 0.5);
      const acking = (async () => {
        let n = 0;
        for (let i = 0; i < shuffled.length; i += 4) n += (await withMysqlRetries(() => ack(ackPool.pool, l, shuffled.slice(i, i + 4))));
        return n;
      })();
      const timing = withMysqlRetries(() => timeOutLeases(pool, owner, pass(owner)));
      const [acked, timed] = await Promise.all([acking, timing]);
      expect(acked + (timed?.timeoutDone ?? 0) + (timed?.timeoutRetry ?? 0)).toBe(ids.length);
      const after = await rows(ids);
      after.forEach((r, i) => {
        expect(r.settled).toBe(l.leaseId);
        const left = attempts[i] as number;
        if (r.state === JobState.SUCCEEDED) expect(r.attempts).toBe(left); // the ack won: no attempt consumed
        else expect([r.state, r.attempts]).toEqual(left === 1 ? [JobState.FAILED, 0] : [JobState.PENDING, left - 1]);
      });
      tally.acked += acked;
      tally.timedOut += ids.length - acked;
    }
    expect(await leasesOf(owner)).toEqual([]);
    // Both sides won jobs: the rounds really raced (not one side always finished first).
    expect(tally.acked).toBeGreaterThan(0);
    expect(tally.timedOut).toBeGreaterThan(0);
  });
});

describe('loading the open leases at takeover', () => {
  it('returns each live lease with only the ids it still claims, page by page, and lists leases claiming none', async () => {
    const owner = await setup('lo1');
    type Eight = [number, number, number, number, number, number, number, number];
    const [acked, open1, acked2, retried1, elsewhereRow, g, h, state1] = await insertJobs('lo1', 0, Array(8).fill(2)) as Eight;
    await pool.query(`UPDATE ${TABLES.jobs} SET part = 1 WHERE id = ?`, [elsewhereRow]);
    await pool.query(`UPDATE ${TABLES.jobs} SET state = 1 WHERE id = ?`, [state1]);
    const [deletedId, retried2] = await insertJobs('lo1', 0, [2, 2]) as [number, number];
    await pool.query(`DELETE FROM ${TABLES.jobs} WHERE id = ?`, [deletedId]);
    const l1 = lease(owner, 1, [acked, open1]);
    const l2 = lease(owner, 2, [acked2, deletedId]);
    const l3 = lease(owner, 3, [retried1, retried2]);
    const l4 = lease(owner, 4, [retried1, elsewhereRow]);
    const l5 = lease(owner, 5, [g, h, state1]);
    const l6 = lease(owner, 6, [g]);
    await put(l1, l2, l3);
    expect(await ack(pool, l1, [acked])).toBe(1);
    expect(await ack(pool, l2, [acked2])).toBe(1);
    await retried(l3, retried1, NOW);
    await retried(l3, retried2, NOW);
    await put(l4, l5, l6);
    const p1 = await own('lo1', 1, 'broker-a');
    await put(lease(p1, 1, [elsewhereRow]));

    const expected = {
      open: [{ lease: l1, openIds: [open1] }, { lease: l4, openIds: [retried1] }, { lease: l5, openIds: [h] }, { lease: l6, openIds: [g] }],
      settled: [l2, l3],
    };
    for (const pageSize of [1, 2, 3, 6, MAX_LEASE_PAGE]) expect(await loadOpenLeases(pool, 'lo1', 0, pageSize)).toEqual(expected);
    expect(await loadOpenLeases(pool, 'lo1', 0)).toEqual(expected);
    expect(await loadOpenLeases(pool, 'lo1', 1)).toEqual({ open: [{ lease: expect.objectContaining({ jobIds: [elsewhereRow] }), openIds: [elsewhereRow] }], settled: [] });
    expect(await loadOpenLeases(pool, 'lo9', 0)).toEqual({ open: [], settled: [] });
  });

  it('reads the job rows in bounded chunks: a lease of 2500 jobs', async () => {
    const owner = await setup('lo2');
    const ids = await insertJobs('lo2', 0, Array(2500).fill(2));
    const l = lease(owner, 1, ids);
    await put(l);
    const settled = ids.filter((_, i) => i % 7 === 0);
    expect(await ack(pool, l, settled)).toBe(settled.length);
    expect(await loadOpenLeases(pool, 'lo2', 0)).toEqual({ open: [{ lease: l, openIds: ids.filter((_, i) => i % 7 !== 0) }], settled: [] });
  });
});

describe('monitorPartition with claim leases', () => {
  it('times out leases in its guarded pass after the per-job claims, adding to its counts and naming the leases', async () => {
    const owner = await setup('lm1');
    const [perJob, leasedLast, leasedMore, youngLeased] = await insertJobs('lm1', 0, [2, 1, 2, 2]) as [number, number, number, number];
    await pool.query(`UPDATE ${TABLES.jobs} SET state = 1, claim_descriptor = 'w', updated_at_ms = ? WHERE id = ?`, [EXPIRED_AT, perJob]);
    const old = lease(owner, 1, [leasedLast, leasedMore]);
    await put(old, lease(owner, 2, [youngLeased], LIVE_AT));
    expect(await monitorPartition(pool, PINLATER_MONITOR_DEFAULTS, 'lm1', 0, NOW, owner)).toStrictEqual({
      timeoutDone: 1, timeoutRetry: 2, succeededGc: 0, failedGc: 0, settledLeaseIds: [old.leaseId],
    });
    expect((await rows([perJob, leasedLast, leasedMore])).map((r) => [r.state, r.attempts])).toEqual([
      [JobState.PENDING, 1], [JobState.FAILED, 0], [JobState.PENDING, 1],
    ]);
    expect(await leasesOf(owner)).toHaveLength(1);
    // The admin pass (no owner) handles leases too; with none timed out, the counts are as before leases.
    await put(lease(owner, 3, [leasedMore]));
    expect(await monitorPartition(pool, PINLATER_MONITOR_DEFAULTS, 'lm1', 0, NOW, null)).toMatchObject({ timeoutDone: 1, timeoutRetry: 0, settledLeaseIds: [leaseIdOf(owner.epoch, 3)] });
    expect(await monitorPartition(pool, PINLATER_MONITOR_DEFAULTS, 'lm1', 0, NOW, owner)).toStrictEqual({ timeoutDone: 0, timeoutRetry: 0, succeededGc: 0, failedGc: 0 });
  });

  it('its guarded pass, chosen as a deadlock victim, runs again and completes', async () => {
    const owner = await setup('lm2');
    const [claimed] = await insertJobs('lm2', 0, [2]) as [number];
    await pool.query(`UPDATE ${TABLES.jobs} SET state = 1, claim_descriptor = 'w', updated_at_ms = ? WHERE id = ?`, [EXPIRED_AT, claimed]);
    const weights = await insertJobs('lm2', 1, Array(50).fill(2));
    const monitorSession = await sessionPool('REPEATABLE READ');
    const other = await pool.getConnection();
    try {
      // The other transaction: heavier (50 rows changed, so InnoDB picks the monitor as the victim),
      // holding the claimed job's row; the monitor's pass then share-locks the owner row and waits
      // for that job row; the other asks for the owner row: a deadlock.
      await other.query('START TRANSACTION');
      await other.query(`UPDATE ${TABLES.jobs} SET custom_status = 'heavy' WHERE id IN (?)`, [weights]);
      await other.query(`SELECT id FROM ${TABLES.jobs} WHERE id = ? FOR UPDATE`, [claimed]);
      const pass = monitorPartition(monitorSession.pool, PINLATER_MONITOR_DEFAULTS, 'lm2', 0, NOW, owner);
      await eventually(async () => expect(await trxState(monitorSession.threadId)).toBe('LOCK WAIT'), { intervalMs: 200 });
      await other.query(`SELECT owner_id FROM ${TABLES.partitionOwners} WHERE queue = ? AND part = ? FOR UPDATE`, ['lm2', 0]);
      await other.query('COMMIT');
      expect(await pass).toStrictEqual({ timeoutDone: 0, timeoutRetry: 1, succeededGc: 0, failedGc: 0 });
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      other.release();
    }
    expect((await rows([claimed])).map((r) => [r.state, r.attempts])).toEqual([[JobState.PENDING, 1]]);
  });
});

/** A pool of ONE connection at `isolation`: its thread id names the transaction of whatever the pool runs. */
async function sessionPool(isolation: string): Promise<{ pool: Pool; threadId: number }> {
  const one = createMysqlPool({ ...fx.mysql, connectionLimit: 1, connectTimeoutMs: 5000 });
  extraPools.push(one);
  await one.query(`SET SESSION TRANSACTION ISOLATION LEVEL ${isolation}`);
  const [[session]] = await one.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
  return { pool: one, threadId: Number(session?.id) };
}

/** InnoDB's state of connection `threadId`'s transaction (INNODB_TRX refreshes at most every 100 ms: poll slower). */
async function trxState(threadId: number): Promise<string | undefined> {
  const [found] = await pool.query<RowDataPacket[]>('SELECT trx_state FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?', [threadId]);
  return found[0]?.trx_state as string | undefined;
}
