/**
 * Migrations 0003 (claim leases) and 0004 (settled claim descriptors, a new table) upgrade a
 * populated Pacer database in place while Pacer keeps serving: a database at 0002 (migrated from a
 * folder holding only 0001 and 0002, the way a database of the previous release looks), jobs in
 * every state, and a Pacer backend (embedded broker with per-job claims, as the previous release
 * claims) running enqueue → dequeue → ack traffic while the migrator applies 0003 and 0004. No call
 * fails, every job row is as it was (plus `settled_lease` = 0), `jobs` is not rebuilt
 * (ALGORITHM=INSTANT: InnoDB's table id is unchanged), and running 0003 and 0004 again, whole or
 * statement by statement (a crash after the DDL, before the schema_migrations row), changes
 * nothing.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { createPacerBackend, type PacerBackend } from '../../pacer';
import { createMysqlPool } from '../../pacer/src/datastore/mysql-pool';
import { loadMigrations, migrate, MIGRATIONS_DIR } from '../../pacer/src/datastore/migrator';
import { dumpSchema } from '../../pacer/src/datastore/schema-dump';
import { TABLES } from '../../pacer/src/datastore/tables';
import { JobState } from '../../core/src/types/job-state';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { freshDatabase, type FreshDatabase } from '../support/namespaces';
import { testEnv } from '../support/test-env';
import { dequeueReq, job } from './pacer-fixtures';

const LEASES_VERSION = 3;
const SETTLED_DESCRIPTORS_VERSION = 4;
const STATIC = 'upg_static';
const LIVE = 'upg_live';
const WORKERS = 4;

let db: FreshDatabase;
let pool: Pool;
let backend: PacerBackend | undefined;
let previousRelease: string;

beforeAll(async () => {
  db = await freshDatabase('pacer_upg');
  const { host, port, user, password } = testEnv().mysql;
  pool = createMysqlPool({ host, port, user, password, database: db.name, connectionLimit: 4, connectTimeoutMs: 5000 });
  previousRelease = mkdtempSync(join(tmpdir(), 'pacer-migrations-0002-'));
  for (const m of loadMigrations().filter((m) => m.version < LEASES_VERSION)) copyFileSync(join(MIGRATIONS_DIR, `${m.name}.sql`), join(previousRelease, `${m.name}.sql`));
});
afterAll(async () => {
  await backend?.close();
  await pool?.end();
  await db?.drop();
  rmSync(previousRelease, { recursive: true, force: true });
});
afterAll(assertNoLeaks);

/** Every column of every job row but `settled_lease`, in id order (bodies as hex). */
async function jobRows(): Promise<unknown[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT id, queue, part, priority, state, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
            created_at_ms, updated_at_ms, run_after_ms, HEX(body) AS body FROM ${TABLES.jobs} ORDER BY id`,
  );
  return rows.map((r) => ({ ...r }));
}

async function jobsTableId(): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT TABLE_ID FROM information_schema.INNODB_SYS_TABLES WHERE NAME = ?', [`${db.name}/${TABLES.jobs}`]);
  return Number(rows[0]?.TABLE_ID);
}

async function countByState(queue: string): Promise<Record<number, number>> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT state, COUNT(*) AS n FROM ${TABLES.jobs} WHERE queue = ? GROUP BY state`, [queue]);
  return Object.fromEntries(rows.map((r) => [Number(r.state), Number(r.n)]));
}

/** Jobs of `STATIC` in every state: pending (ready and future), in progress, succeeded, failed. */
async function populate(b: PacerBackend): Promise<void> {
  await b.createQueue(STATIC);
  await b.enqueueJobs({ queue: STATIC, jobs: Array.from({ length: 30 }, (_, i) => job(`static ${i}`, { priority: 1 + (i % 3), attemptsAllowed: i % 2 === 0 ? 1 : 2, customStatus: `s${i}` })) });
  await b.enqueueJobs({ queue: STATIC, jobs: [job('future', { runAfterMs: Date.now() + 3_600_000 })] });
  const taken = (await b.dequeueJobs(dequeueReq(STATIC, 20))).jobs;
  expect(taken).toHaveLength(20);
  const ack = (from: number, to: number) => taken.slice(from, to).map((j) => ({ descriptor: j.descriptor, appendCustomStatus: ';acked', retryDelayMs: 0 }));
  await b.ackDequeuedJobs({ queue: STATIC, succeeded: ack(0, 6), failed: ack(6, 14) });
  expect(Object.keys(await countByState(STATIC)).map(Number).sort()).toEqual([JobState.PENDING, JobState.IN_PROGRESS, JobState.SUCCEEDED, JobState.FAILED]);
}

interface Traffic {
  calls: number;
  inFlight: number;
  enqueued: number;
  dequeued: number;
  acked: number;
  failures: unknown[];
  stop: boolean;
}

/** One worker: enqueue 3, dequeue up to 3, ack them as succeeded, until told to stop. */
async function worker(b: PacerBackend, t: Traffic, n: number): Promise<void> {
  const call = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    t.inFlight += 1;
    try {
      return await fn();
    } catch (e) {
      t.failures.push(e);
      return undefined;
    } finally {
      t.inFlight -= 1;
      t.calls += 1;
    }
  };
  for (let round = 0; !t.stop; round += 1) {
    const descriptors = await call(() => b.enqueueJobs({ queue: LIVE, jobs: [1, 2, 3].map((k) => job(`live ${n}.${round}.${k}`)) }));
    t.enqueued += descriptors?.length ?? 0;
    const got = (await call(() => b.dequeueJobs(dequeueReq(LIVE, 3))))?.jobs ?? [];
    t.dequeued += got.length;
    if (got.length === 0) continue;
    const succeeded = got.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 }));
    const acked = await call(async () => {
      await b.ackDequeuedJobs({ queue: LIVE, succeeded, failed: [] });
      return true;
    });
    if (acked === true) t.acked += got.length;
  }
}

describe('migrations 0003 and 0004 on a populated database, while Pacer serves', () => {
  it('applies online: no call fails, every job is intact, settled_lease is 0, jobs is not rebuilt, a re-run changes nothing', async () => {
    expect(await migrate(pool, previousRelease)).toEqual(['0001_initial', '0002_migration']);
    const { host, port, user, password } = testEnv().mysql;
    const b = await createPacerBackend({ topology: { mode: 'embedded' }, mysql: { host, port, user, password, database: db.name }, applyMigrations: false, defaultPartitions: 3, claims: 'per-job' });
    backend = b;
    await populate(b);
    await b.createQueue(LIVE);
    const staticBefore = (await jobRows()).filter((r) => (r as { queue: string }).queue === STATIC);
    const tableIdBefore = await jobsTableId();

    const t: Traffic = { calls: 0, inFlight: 0, enqueued: 0, dequeued: 0, acked: 0, failures: [], stop: false };
    const workers = Array.from({ length: WORKERS }, (_, n) => worker(b, t, n));
    try {
      await eventually(() => expect(t.calls).toBeGreaterThanOrEqual(30), { timeoutMs: 15_000 });
      const inFlightAtStart = t.inFlight;
      expect(await migrate(pool)).toEqual(['0003_claim_leases', '0004_settled_descriptors']);
      const callsAtEnd = t.calls;
      expect(inFlightAtStart).toBeGreaterThan(0);
      await eventually(() => expect(t.calls).toBeGreaterThanOrEqual(callsAtEnd + 30), { timeoutMs: 15_000 });
    } finally {
      t.stop = true;
      await Promise.all(workers);
    }

    expect(t.failures).toEqual([]);
    expect(t.acked).toBe(t.dequeued);
    const live: Record<number, number> = { [JobState.SUCCEEDED]: t.acked };
    if (t.enqueued > t.dequeued) live[JobState.PENDING] = t.enqueued - t.dequeued;
    expect(await countByState(LIVE)).toEqual(live); // every enqueued job there, every acked one SUCCEEDED
    expect((await jobRows()).filter((r) => (r as { queue: string }).queue === STATIC)).toEqual(staticBefore);
    const [[settled]] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS jobs, SUM(settled_lease <> 0) AS settled FROM ${TABLES.jobs}`);
    expect(Number(settled?.jobs)).toBe(staticBefore.length + t.enqueued);
    expect(Number(settled?.settled)).toBe(0);
    const [[leases]] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${TABLES.claimLeases}`);
    expect(Number(leases?.n)).toBe(0);
    const [[kept]] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${TABLES.settledDescriptors}`);
    expect(Number(kept?.n)).toBe(0);
    expect(await jobsTableId()).toBe(tableIdBefore); // no table copy or rebuild

    const schema = await dumpSchema(pool);
    expect(await migrate(pool)).toEqual([]);
    for (const version of [LEASES_VERSION, SETTLED_DESCRIPTORS_VERSION]) {
      const migration = loadMigrations().find((m) => m.version === version);
      expect(migration?.statements.length).toBeGreaterThan(0);
      for (const statement of migration?.statements ?? []) await pool.query(statement); // a crash before the row: run again
    }
    expect(await dumpSchema(pool)).toBe(schema);
    expect(await jobsTableId()).toBe(tableIdBefore);
  }, 60_000);
});
