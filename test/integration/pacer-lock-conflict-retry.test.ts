/**
 * Pacer's autocommit writes retry InnoDB lock conflicts (pacer/src/datastore/mysql-pool.ts
 * `executeRetried`): retryFailedJobs, chosen by InnoDB as a deadlock victim, still answers, and
 * retries exactly the rows it would have, against real MariaDB (a fresh Pacer database).
 *
 * The deadlock is built, not raced. retry-failed.sql (`WHERE queue = ? AND priority = ? AND
 * state = 3`) walks the queue's rows in index order: by (part, state, priority, run_after_ms, id)
 * on idx_jobs_ready, (part, state, updated_at_ms) on idx_jobs_claimed, id on the primary key; row
 * A comes before row B in all three, so the statement locks A, then B. The holder transaction
 * first modifies 200 rows of another queue (InnoDB rolls back the transaction of smaller weight,
 * undo records plus locks, so retryFailedJobs is the victim), then locks B; retryFailedJobs
 * locks A and waits for B (seen in information_schema.INNODB_LOCK_WAITS); the holder then asks
 * for A: a deadlock, detected at once. The holder's lock on A keeps the retried statement
 * waiting (seen again) until the holder commits.
 */
import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { createPacerBackend, type PacerBackend } from '../../pacer';
import { JobState } from '../../core/src/types/job-state';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { openMysql } from '../support/mysql';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';

let fx: PacerDb;
let backend: PacerBackend;
let holder: Connection;
let admin: Connection;

beforeAll(async () => {
  fx = await freshPacerDb();
  backend = await createPacerBackend({
    topology: { mode: 'embedded', safetySweepMs: 0 }, mysql: fx.mysql, defaultPartitions: 1, monitor: { enabled: false },
  });
  holder = await openMysql(fx.db.name);
  admin = await openMysql(fx.db.name);
});
afterAll(async () => {
  await holder?.end();
  await admin?.end();
  await backend?.close();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

const QUEUE = 'lock_victim';
const HEAVY = 'lock_heavy';
const HEAVY_ROWS = 200;

interface Seed {
  state: JobState;
  priority: number;
  /** run_after_ms and updated_at_ms: the index order within (queue, part, state, priority). */
  at: number;
  status: string;
}

/** Inserts the rows in order (ids ascending) into partition 0 and returns their ids. */
async function insertRows(queue: string, seeds: Seed[]): Promise<number[]> {
  const values = seeds.map((s) => [queue, 0, s.priority, s.state, 2, 0, s.status, s.at, s.at, s.at, Buffer.from(s.status)]);
  const [header] = await admin.query<ResultSetHeader>(
    `INSERT INTO jobs (queue, part, priority, state, attempts_allowed, attempts_remaining, custom_status,
       created_at_ms, updated_at_ms, run_after_ms, body) VALUES ?`,
    [values],
  );
  expect(header.affectedRows).toBe(seeds.length);
  return seeds.map((_s, i) => header.insertId + i);
}

async function connectionId(c: Connection): Promise<number> {
  const [rows] = await c.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
  return Number(rows[0]?.id);
}

async function deadlocks(): Promise<number> {
  const [rows] = await admin.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'");
  return Number(rows[0]?.Value);
}

/**
 * InnoDB refreshes its information_schema lock tables only when they were not read for 100 ms
 * (trx_i_s_cache, CACHE_MIN_IDLE_TIME), so polling them faster would read the same snapshot forever.
 */
const LOCK_POLL = { intervalMs: 250, timeoutMs: 10_000 };

/** The row locks other transactions wait for that the holder's transaction holds: [index, row id]. */
async function waitsOnHolder(holderId: number): Promise<Array<[string, number]>> {
  const [rows] = await admin.query<RowDataPacket[]>(
    `SELECT l.lock_index AS lock_index, l.lock_data AS lock_data
       FROM information_schema.INNODB_LOCK_WAITS w
       JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.requested_lock_id
       JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id
      WHERE b.trx_mysql_thread_id = ?`,
    [holderId],
  );
  return rows.map((r) => [String(r.lock_index), Number(r.lock_data)]);
}

/** [state, attempts_remaining, run_after_ms, custom_status] of each row, by id. */
type RowView = [number, number, number, string];

async function rowsById(ids: number[]): Promise<Map<number, RowView>> {
  const [rows] = await admin.query<RowDataPacket[]>(
    'SELECT id, state, attempts_remaining, run_after_ms, custom_status FROM jobs WHERE id IN (?)', [ids],
  );
  return new Map(rows.map((r) => [Number(r.id), [Number(r.state), Number(r.attempts_remaining), Number(r.run_after_ms), String(r.custom_status)]]));
}

type Outcome = { ok: number } | { error: unknown };

describe('Pacer lock-conflict retries', () => {
  it('retryFailedJobs chosen as a deadlock victim is run again and retries exactly the FAILED rows of its queue and priority', async () => {
    await backend.createQueue(HEAVY);
    await backend.createQueue(QUEUE);
    // The queue's rows first (lowest ids): A and B are retried, C (other priority) and D (pending) are not.
    const [a, b, c, d] = await insertRows(QUEUE, [
      { state: JobState.FAILED, priority: 1, at: 1000, status: 'a' },
      { state: JobState.FAILED, priority: 1, at: 2000, status: 'b' },
      { state: JobState.FAILED, priority: 2, at: 3000, status: 'c' },
      { state: JobState.PENDING, priority: 1, at: 4000, status: 'd' },
    ]) as [number, number, number, number];
    const heavy = await insertRows(HEAVY, Array.from({ length: HEAVY_ROWS }, (_v, i) => ({ state: JobState.FAILED, priority: 1, at: 1000 + i, status: 'heavy' })));

    const holderId = await connectionId(holder);
    await holder.query('START TRANSACTION');
    // One primary-key update per row: a plan that scanned the table would lock the queue's rows too.
    for (const id of heavy) await holder.query("UPDATE jobs SET custom_status = 'holder' WHERE id = ?", [id]);
    await holder.query('SELECT id FROM jobs WHERE id = ? FOR UPDATE', [b]);

    const runAfterMs = Date.now() + 60_000;
    const outcome: Promise<Outcome> = backend
      .retryFailedJobs({ queue: QUEUE, priority: 1, attemptsToAllow: 5, runAfterMs, limit: 10 })
      .then((ok) => ({ ok }), (error: unknown) => ({ error }));
    try {
      // retryFailedJobs has locked A (index order) and waits for B.
      await eventually(async () => expect(await waitsOnHolder(holderId)).toEqual([['PRIMARY', b]]), LOCK_POLL);
      const before = await deadlocks();
      // The holder asks for A: InnoDB rolls back retryFailedJobs' statement (the lighter transaction),
      // so this returns while the holder still holds B: retryFailedJobs can no longer hold A.
      await holder.query("UPDATE jobs SET custom_status = 'holder' WHERE id = ?", [a]);
      expect(await deadlocks()).toBeGreaterThan(before);
      // The statement runs again and now waits for A, which the holder holds until it commits.
      await eventually(async () => {
        // Without the retry the call has failed by now: stop waiting, the outcome check below shows why.
        const settled = await Promise.race([outcome, Promise.resolve(undefined)]);
        if (settled !== undefined && 'error' in settled) return settled;
        expect(await waitsOnHolder(holderId)).toEqual([['PRIMARY', a]]);
        return undefined;
      }, LOCK_POLL);
    } finally {
      await holder.query('COMMIT');
    }

    expect(await outcome).toEqual({ ok: 2 });
    const rows = await rowsById([a, b, c, d, ...heavy]);
    // A and B retried (A keeps the holder's committed status), C and D untouched.
    expect(rows.get(a)).toEqual([JobState.PENDING, 5, runAfterMs, 'holder']);
    expect(rows.get(b)).toEqual([JobState.PENDING, 5, runAfterMs, 'b']);
    expect(rows.get(c)).toEqual([JobState.FAILED, 0, 3000, 'c']);
    expect(rows.get(d)).toEqual([JobState.PENDING, 0, 4000, 'd']);
    // The other queue's FAILED rows are not retried; the holder's writes are committed.
    expect(new Set(heavy.map((id) => JSON.stringify(rows.get(id)?.filter((_v, i) => i !== 2))))).toEqual(
      new Set([JSON.stringify([JobState.FAILED, 0, 'holder'])]),
    );
  });
});
