/**
 * THE RULE of claim leases on Pacer's read and admin paths (pacer/src/datastore/lease-read-rule.ts,
 * sql/leased-jobs.sql; docs/pacer-performance.md, "Claim leases"), against real MariaDB, a fresh
 * migrated database per test and the embedded backend (per-job claims: the leases are written here
 * with the lease store, settled rows with plain SQL, as acks and claim timeouts leave them):
 * - lookups, counts, scans, exports, deletes, dry runs, the router's ready probe and the copier's
 *   take read a PENDING row named by a lease of its own partition, with a lease id above the row's
 *   settled_lease, as IN_PROGRESS with that lease's claim descriptor and claim time (the highest
 *   such lease when several name it);
 * - a lease of another partition naming the same id, a settled row, a success-acked row, FAILED
 *   rows and per-job claims read as stored; with the leases gone every path reads the rows as stored;
 * - a copier take that waits for a row a claim share-locks sees that claim's lease once it commits.
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { createMysqlPool, createPacerBackend, type PacerBackend } from '../../pacer';
import { formatPacerDescriptor } from '../../pacer/src/descriptors/pacer-descriptor';
import { insertLeases, type ClaimLease } from '../../pacer/src/datastore/claim-leases';
import { leaseIdOf } from '../../pacer/src/datastore/claim-lease-id';
import { countJobs } from '../../pacer/src/datastore/job-queries';
import { JobWriter, type JobRow } from '../../pacer/src/datastore/job-writer';
import { assignOwner } from '../../pacer/src/datastore/partition-owners';
import { PENDING_DELETE_ROUND } from '../../pacer/src/datastore/pending-deletes';
import { deleteUnderLimit } from '../../pacer/src/datastore/statement-time-limit';
import { TABLES } from '../../pacer/src/datastore/tables';
import { anyReadyJob } from '../../pacer/src/api/ready-probe';
import type { JobInfo } from '../../core/src/types/job';
import { JobState } from '../../core/src/types/job-state';
import { systemClock } from '../../core/src/util/clock';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { dequeueReq, freshPacerDb, type PacerDb } from './pacer-fixtures';

const Q = 'lr';
const NO_REGEX_LIMIT = { limitMs: 5000, onExceeded: (): void => undefined };

let fx: PacerDb;
let backend: PacerBackend;
let pool: Pool;

beforeEach(async () => {
  fx = await freshPacerDb();
  backend = await createPacerBackend({
    topology: { mode: 'embedded', safetySweepMs: 0 }, mysql: fx.mysql, defaultPartitions: 2, monitor: { enabled: false },
  });
  pool = createMysqlPool({ ...fx.mysql, connectionLimit: 3, connectTimeoutMs: 5000 });
});
afterEach(async () => {
  await pool?.end();
  await backend?.close();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

/**
 * The seeded jobs of queue `lr` (2 partitions), by name. Leases: L1 (partition 0) names a, b, d,
 * e, h, i, m; L2 (partition 0, later) names b; L3 (partition 1) names k and c, a partition-0 job.
 * d, e and i settled L1 (a retry, a success, a last failure); f is a per-job claim.
 */
type Name = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'k' | 'm';
const NAMES: readonly Name[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'k', 'm'];
const PER_JOB_CLAIM = 'host:9090:1:per-job:1';

interface Seed {
  readonly row: (name: Name) => JobRow & { id: number };
  readonly descriptor: (name: Name) => string;
  readonly lease: { readonly l1: ClaimLease; readonly l2: ClaimLease; readonly l3: ClaimLease };
  readonly nowMs: number;
}

async function seed(): Promise<Seed> {
  await backend.createQueueWithOptions(Q, { numPartitions: 2 });
  const now = Date.now();
  const spec: Record<Name, Pick<JobRow, 'partition' | 'priority' | 'state' | 'runAfterMs'> & { claimDescriptor?: string }> = {
    a: { partition: 0, priority: 1, state: JobState.PENDING, runAfterMs: now - 10_000 },
    b: { partition: 0, priority: 1, state: JobState.PENDING, runAfterMs: now - 9_000 },
    c: { partition: 0, priority: 1, state: JobState.PENDING, runAfterMs: now - 8_000 },
    d: { partition: 0, priority: 1, state: JobState.PENDING, runAfterMs: now - 7_000 },
    e: { partition: 0, priority: 1, state: JobState.SUCCEEDED, runAfterMs: now - 6_000, claimDescriptor: 'w:lease-1' },
    f: { partition: 0, priority: 1, state: JobState.IN_PROGRESS, runAfterMs: now - 5_000, claimDescriptor: PER_JOB_CLAIM },
    g: { partition: 0, priority: 1, state: JobState.PENDING, runAfterMs: now - 4_000 },
    h: { partition: 0, priority: 1, state: JobState.PENDING, runAfterMs: now + 3_600_000 },
    i: { partition: 0, priority: 1, state: JobState.FAILED, runAfterMs: now - 3_000, claimDescriptor: 'w:lease-1' },
    k: { partition: 1, priority: 1, state: JobState.PENDING, runAfterMs: now - 2_000 },
    m: { partition: 0, priority: 2, state: JobState.PENDING, runAfterMs: now - 1_000 },
  };
  const rows = NAMES.map((name): JobRow => ({
    queue: Q, ...spec[name], attemptsAllowed: 2, attemptsRemaining: name === 'i' ? 0 : 2, customStatus: `status-${name}`,
    createdAtMs: now - 60_000, updatedAtMs: now - 50_000, body: Buffer.from(`lr-${name}`),
  }));
  const ids = await new JobWriter(pool).insert(rows);
  const byName = new Map(NAMES.map((name, i) => [name, { ...(rows[i] as JobRow), id: ids[i] as number }]));
  const row = (name: Name): JobRow & { id: number } => byName.get(name) as JobRow & { id: number };
  const idsOf = (names: Name[]): number[] => names.map((n) => row(n).id);

  const owner0 = { queue: Q, partition: 0, ownerId: 'lease-writer', epoch: await assignOwner(pool, systemClock, Q, 0, 'lease-writer') };
  const owner1 = { queue: Q, partition: 1, ownerId: 'lease-writer', epoch: await assignOwner(pool, systemClock, Q, 1, 'lease-writer') };
  const lease = {
    l1: { owner: owner0, leaseId: leaseIdOf(owner0.epoch, 1), claimDescriptor: 'w:lease-1', claimedAtMs: now - 20_001, jobIds: idsOf(['a', 'b', 'd', 'e', 'h', 'i', 'm']) },
    l2: { owner: owner0, leaseId: leaseIdOf(owner0.epoch, 2), claimDescriptor: 'w:lease-2', claimedAtMs: now - 20_002, jobIds: idsOf(['b']) },
    l3: { owner: owner1, leaseId: leaseIdOf(owner1.epoch, 1), claimDescriptor: 'w:lease-3', claimedAtMs: now - 20_003, jobIds: idsOf(['k', 'c']) },
  };
  expect((await insertLeases(pool, [lease.l1, lease.l2, lease.l3])).written).toHaveLength(3);
  // What the acks of lease L1 left: d failed with a retry left, e succeeded, i failed on its last attempt.
  const settle = `UPDATE ${TABLES.jobs} SET settled_lease = ? WHERE id IN (?)`;
  await pool.query(settle, [lease.l1.leaseId, idsOf(['d', 'e', 'i'])]);
  await pool.query(`UPDATE ${TABLES.jobs} SET attempts_remaining = 1 WHERE id = ?`, [row('d').id]);
  const descriptor = (name: Name): string => formatPacerDescriptor({ queue: Q, partition: row(name).partition, priority: row(name).priority, id: row(name).id });
  return { row, descriptor, lease, nowMs: now };
}

/** How the rule reads each seeded job: state, claim descriptor, updatedAtMs. */
function expectedRead(s: Seed, name: Name): Pick<JobInfo, 'state' | 'claimDescriptor' | 'updatedAtMs'> {
  const stored = s.row(name);
  const leasedBy: Partial<Record<Name, ClaimLease>> = { a: s.lease.l1, b: s.lease.l2, h: s.lease.l1, k: s.lease.l3, m: s.lease.l1 };
  const lease = leasedBy[name];
  if (lease !== undefined) return { state: JobState.IN_PROGRESS, claimDescriptor: lease.claimDescriptor, updatedAtMs: lease.claimedAtMs };
  return { state: stored.state, claimDescriptor: stored.claimDescriptor, updatedAtMs: stored.updatedAtMs };
}

/** Each seeded job as stored (what every path reads with no lease in the table). */
function storedRead(s: Seed, name: Name): Pick<JobInfo, 'state' | 'claimDescriptor' | 'updatedAtMs'> {
  const stored = s.row(name);
  return { state: stored.state, claimDescriptor: stored.claimDescriptor, updatedAtMs: stored.updatedAtMs };
}

const readOf = (j: JobInfo | undefined): Pick<JobInfo, 'state' | 'claimDescriptor' | 'updatedAtMs'> | undefined =>
  j === undefined ? undefined : { state: j.state, claimDescriptor: j.claimDescriptor, updatedAtMs: j.updatedAtMs };

async function dropLeases(): Promise<void> {
  await pool.query(`DELETE FROM ${TABLES.claimLeases}`);
}

const count = (state: JobState, future = false, extra: { priority?: number; bodyRegex?: string } = {}): Promise<number> =>
  backend.getJobCount({ queue: Q, state, future, ...extra });

const scan = async (state: JobState, limit: number, extra: { future?: boolean; bodyRegex?: string } = {}): Promise<JobInfo[]> =>
  backend.scanJobs({ queue: Q, state, future: extra.future ?? false, limit, ...(extra.bodyRegex === undefined ? {} : { bodyRegex: extra.bodyRegex }) });

async function exportAll(state: JobState, priority: number): Promise<Array<{ descriptor: string; state: JobState; claimDescriptor?: string; updatedAtMs: number }>> {
  const out: Array<{ descriptor: string; state: JobState; claimDescriptor?: string; updatedAtMs: number }> = [];
  let cursor: string | undefined;
  do {
    const page = await backend.exportJobs({ queue: Q, state, priority, limit: 2, ...(cursor === undefined ? {} : { cursor }) });
    out.push(...page.jobs.map((j) => ({
      descriptor: j.sourceDescriptor, state: j.state, updatedAtMs: j.updatedAtMs, ...(j.claimDescriptor === undefined ? {} : { claimDescriptor: j.claimDescriptor }),
    })));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

async function storedStates(): Promise<Map<number, number>> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT id, state FROM ${TABLES.jobs} WHERE queue = ?`, [Q]);
  return new Map(rows.map((r) => [Number(r.id), Number(r.state)]));
}

describe('Pacer read paths apply the claim lease rule', () => {
  it('lookupJobs: a leased row reads IN_PROGRESS with its lease; other partitions, settled and finished rows as stored', async () => {
    const s = await seed();
    const found = await backend.lookupJobs({ descriptors: NAMES.map(s.descriptor), includeBody: true });
    expect(Object.fromEntries(NAMES.map((n) => [n, readOf(found.get(s.descriptor(n)))]))).toEqual(Object.fromEntries(NAMES.map((n) => [n, expectedRead(s, n)])));
    expect(found.get(s.descriptor('a'))).toMatchObject({ attemptsRemaining: 2, customStatus: 'status-a', runAfterMs: s.row('a').runAfterMs, body: Buffer.from('lr-a') });
    expect(found.get(s.descriptor('d'))).toMatchObject({ attemptsRemaining: 1 });
    expect([...found.keys()]).toEqual(NAMES.map(s.descriptor)); // request order

    await dropLeases();
    const plain = await backend.lookupJobs({ descriptors: NAMES.map(s.descriptor), includeBody: false });
    expect(Object.fromEntries(NAMES.map((n) => [n, readOf(plain.get(s.descriptor(n)))]))).toEqual(Object.fromEntries(NAMES.map((n) => [n, storedRead(s, n)])));
  });

  it('getJobCount: PENDING without leased rows, IN_PROGRESS with them, under the same run-after, priority, regex filters and cap', async () => {
    await seed();
    expect(await count(JobState.PENDING)).toBe(3); // c, d, g
    expect(await count(JobState.PENDING, true)).toBe(0); // h is leased
    expect(await count(JobState.IN_PROGRESS)).toBe(5); // a, b, f, k, m
    expect(await count(JobState.IN_PROGRESS, true)).toBe(1); // h
    expect(await count(JobState.IN_PROGRESS, false, { priority: 2 })).toBe(1); // m
    expect(await count(JobState.IN_PROGRESS, false, { priority: 1 })).toBe(4);
    expect(await count(JobState.PENDING, false, { priority: 2 })).toBe(0);
    expect(await count(JobState.SUCCEEDED)).toBe(1);
    expect(await count(JobState.FAILED)).toBe(1);
    expect(await count(JobState.IN_PROGRESS, false, { bodyRegex: '^lr-[abcfk]$' })).toBe(4); // a, b, f, k
    expect(await count(JobState.PENDING, false, { bodyRegex: '^lr-[a-d]$' })).toBe(2); // c, d
    // The per-partition per-priority cap applies to the combined count: partition 0, priority 1 holds a, b, f.
    const settings = await backend.queueSettings(Q);
    if (settings === undefined) throw new Error('queue lr vanished');
    const capped = (state: JobState): Promise<number> => countJobs(pool, settings, { queue: Q, state, future: false }, Date.now(), 2, NO_REGEX_LIMIT);
    expect(await capped(JobState.IN_PROGRESS)).toBe(4); // min(3, 2) + m + k
    expect(await capped(JobState.PENDING)).toBe(2); // min(3, 2)

    await dropLeases();
    expect([await count(JobState.PENDING), await count(JobState.PENDING, true), await count(JobState.IN_PROGRESS), await count(JobState.IN_PROGRESS, true)]).toEqual([7, 1, 1, 0]);
  });

  it('scanJobs: leased rows scan as IN_PROGRESS with their lease, in run-after order, truncated to the limit', async () => {
    const s = await seed();
    const view = (jobs: JobInfo[]): Array<[string, JobInfo['state'], string | undefined, number | undefined]> =>
      jobs.map((j) => [j.descriptor, j.state, j.claimDescriptor, j.updatedAtMs]);
    const expected = (names: Name[]): Array<[string, JobInfo['state'], string | undefined, number | undefined]> =>
      names.map((n) => [s.descriptor(n), expectedRead(s, n).state, expectedRead(s, n).claimDescriptor, expectedRead(s, n).updatedAtMs]);
    expect(view(await scan(JobState.IN_PROGRESS, 10))).toEqual(expected(['m', 'k', 'f', 'b', 'a']));
    expect(view(await scan(JobState.IN_PROGRESS, 2))).toEqual(expected(['m', 'k']));
    expect(view(await scan(JobState.IN_PROGRESS, 10, { future: true }))).toEqual(expected(['h']));
    expect(view(await scan(JobState.IN_PROGRESS, 10, { bodyRegex: '^lr-[ab]$' }))).toEqual(expected(['b', 'a']));
    expect(view(await scan(JobState.PENDING, 10))).toEqual(expected(['g', 'd', 'c']));
    expect(view(await scan(JobState.PENDING, 10, { future: true }))).toEqual([]);
    expect(view(await scan(JobState.SUCCEEDED, 10))).toEqual(expected(['e']));
    expect((await scan(JobState.IN_PROGRESS, 1))[0]).toMatchObject({ attemptsRemaining: 2, customStatus: 'status-m', runAfterMs: s.row('m').runAfterMs });

    await dropLeases();
    expect((await scan(JobState.PENDING, 10)).map((j) => j.descriptor)).toEqual((['m', 'k', 'g', 'd', 'c', 'b', 'a'] as Name[]).map(s.descriptor));
    expect(view(await scan(JobState.IN_PROGRESS, 10))).toEqual([[s.descriptor('f'), JobState.IN_PROGRESS, PER_JOB_CLAIM, s.row('f').updatedAtMs]]);
  });

  it('deleteJobs: PENDING never deletes a leased row; IN_PROGRESS deletes leased and per-job rows, the limit over both', async () => {
    const s = await seed();
    const del = (state: JobState, priority: number, limit: number): Promise<number> => backend.deleteJobs({ queue: Q, state, priority, limit });
    expect(await del(JobState.PENDING, 1, 100)).toBe(3); // c, d, g
    expect(await del(JobState.PENDING, 2, 100)).toBe(0); // m is leased
    let left = await storedStates();
    expect((['c', 'd', 'g'] as Name[]).filter((n) => left.has(s.row(n).id))).toEqual([]);
    expect((['a', 'b', 'h', 'k', 'm', 'e', 'f', 'i'] as Name[]).filter((n) => !left.has(s.row(n).id))).toEqual([]);

    expect(await del(JobState.IN_PROGRESS, 1, 3)).toBe(3);
    expect(await del(JobState.IN_PROGRESS, 1, 100)).toBe(2); // a, b, f, h, k in all
    left = await storedStates();
    expect(NAMES.filter((n) => left.has(s.row(n).id))).toEqual(['e', 'i', 'm']);
    expect(await del(JobState.SUCCEEDED, 1, 100)).toBe(1);
  });

  it('deleteJobs with a body regex (MariaDB, and the MySQL flavour\'s two steps) reads states the same way', async () => {
    const s = await seed();
    const regexDelete = (state: JobState, bodyRegex: string): Promise<number> => backend.deleteJobs({ queue: Q, state, priority: 1, bodyRegex, limit: 100 });
    const mysqlDelete = (state: JobState, regex: string): Promise<number> =>
      deleteUnderLimit(pool, 'mysql', { queue: Q, state, priority: 1, regex, max: 100 }, NO_REGEX_LIMIT);
    expect(await regexDelete(JobState.PENDING, '^lr-[a-d]$')).toBe(2); // c, d; not a, b
    expect(await mysqlDelete(JobState.PENDING, '^lr-')).toBe(1); // g; not a, b, h, k
    expect(await regexDelete(JobState.IN_PROGRESS, '^lr-[ab]$')).toBe(2);
    expect(await mysqlDelete(JobState.IN_PROGRESS, '^lr-')).toBe(3); // f, h, k
    const left = await storedStates();
    expect(NAMES.filter((n) => left.has(s.row(n).id))).toEqual(['e', 'i', 'm']);
  });

  it('dequeue dry runs and the router\'s ready probe do not see leased rows as ready', async () => {
    const s = await seed();
    const dry = await backend.dequeueJobs(dequeueReq(Q, 10, { dryRun: true }));
    expect(dry.jobs.map((j) => j.descriptor).sort()).toEqual((['c', 'd', 'g'] as Name[]).map(s.descriptor).sort());
    expect(await storedStates()).toEqual(new Map(NAMES.map((n) => [s.row(n).id, s.row(n).state]))); // nothing claimed
    const now = Date.now();
    expect(await anyReadyJob(pool, Q, [1], [1, 2, 3], now)).toBe(false); // k is leased
    expect(await anyReadyJob(pool, Q, [0], [2], now)).toBe(false); // m is leased
    expect(await anyReadyJob(pool, Q, [0, 1], [1], now)).toBe(true); // c, d, g

    await dropLeases();
    expect(await anyReadyJob(pool, Q, [1], [1, 2, 3], now)).toBe(true);
    const all = await backend.dequeueJobs(dequeueReq(Q, 10, { dryRun: true }));
    expect(all.jobs.map((j) => j.descriptor).sort()).toEqual((['a', 'b', 'c', 'd', 'g', 'k', 'm'] as Name[]).map(s.descriptor).sort());
  });

  it('exportJobs: a leased row exports as IN_PROGRESS with its lease, never as PENDING; pages by id', async () => {
    const s = await seed();
    const expected = (names: Name[]): Array<{ descriptor: string; state: JobState; claimDescriptor?: string; updatedAtMs: number }> =>
      names.map((n) => {
        const read = expectedRead(s, n);
        return { descriptor: s.descriptor(n), state: read.state, updatedAtMs: read.updatedAtMs as number, ...(read.claimDescriptor === undefined ? {} : { claimDescriptor: read.claimDescriptor }) };
      });
    expect(await exportAll(JobState.IN_PROGRESS, 1)).toEqual(expected(['a', 'b', 'f', 'h', 'k']));
    expect(await exportAll(JobState.IN_PROGRESS, 2)).toEqual(expected(['m']));
    expect(await exportAll(JobState.PENDING, 1)).toEqual(expected(['c', 'd', 'g']));
    expect(await exportAll(JobState.PENDING, 2)).toEqual([]);
    expect(await exportAll(JobState.SUCCEEDED, 1)).toEqual(expected(['e']));
    expect(await exportAll(JobState.FAILED, 1)).toEqual(expected(['i']));
    const page = await backend.exportJobs({ queue: Q, state: JobState.IN_PROGRESS, priority: 1, limit: 1 });
    expect(page.jobs[0]).toMatchObject({ body: Buffer.from('lr-a'), attemptsRemaining: 2, customStatus: 'status-a', runAfterMs: s.row('a').runAfterMs });

    await dropLeases();
    expect((await exportAll(JobState.PENDING, 1)).map((j) => j.descriptor)).toEqual((['a', 'b', 'c', 'd', 'g', 'h', 'k'] as Name[]).map(s.descriptor));
  });

  it('the copier\'s take of PENDING jobs never takes a leased one', async () => {
    const s = await seed();
    const mover = backend.jobMover();
    // a and b are the earliest PENDING rows, but leased: the first two the take may have are c and d.
    expect((await mover.take(Q, JobState.PENDING, 1, 2)).map((j) => j.sourceDescriptor)).toEqual((['c', 'd'] as Name[]).map(s.descriptor));
    expect((await mover.take(Q, JobState.PENDING, 1, 10)).map((j) => j.sourceDescriptor)).toEqual([s.descriptor('g')]);
    expect(await mover.take(Q, JobState.PENDING, 2, 10)).toEqual([]);
    const states = await storedStates();
    expect((['a', 'b', 'h', 'k', 'm'] as Name[]).map((n) => states.get(s.row(n).id))).toEqual([0, 0, 0, 0, 0]);
  });

  it.each([
    ['without a body regex', undefined],
    ['with a body regex', '^lr-'],
  ])('a PENDING deleteJobs (%s) waiting for a row a claim share-locks sees the claim\'s lease once it commits: the job is not deleted', async (_, bodyRegex) => {
    const s = await seed();
    const claim = await pool.getConnection();
    try {
      await claim.query('START TRANSACTION');
      // As lease-claims.ts does: the named job row share-locked, then the lease written, one commit.
      await claim.query(`SELECT id FROM ${TABLES.jobs} WHERE id = ? AND state = 0 LOCK IN SHARE MODE`, [s.row('g').id]);
      const deleting = backend.deleteJobs({ queue: Q, state: JobState.PENDING, priority: 1, limit: 100, ...(bodyRegex === undefined ? {} : { bodyRegex }) }); // c, d, g
      await xLockWaited();
      await claim.query(
        `INSERT INTO ${TABLES.claimLeases} (queue, part, lease_id, owner_id, epoch, claim_descriptor, claimed_at_ms, job_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [Q, 0, leaseIdOf(s.lease.l1.owner.epoch, 9), s.lease.l1.owner.ownerId, s.lease.l1.owner.epoch, 'w:race', s.nowMs, JSON.stringify([s.row('g').id])],
      );
      await claim.query('COMMIT');
      expect(await deleting).toBe(2); // c, d
    } finally {
      await claim.query('ROLLBACK').catch(() => undefined);
      claim.release();
    }
    const left = await storedStates();
    expect((['c', 'd'] as Name[]).filter((n) => left.has(s.row(n).id))).toEqual([]);
    expect((await backend.lookupJobs({ descriptors: [s.descriptor('g')], includeBody: false })).get(s.descriptor('g'))).toMatchObject({
      state: JobState.IN_PROGRESS, claimDescriptor: 'w:race',
    });
  });

  it('a PENDING deleteJobs past one round (PENDING_DELETE_ROUND) deletes up to its limit, never a leased row', async () => {
    await seed();
    const now = Date.now();
    const extra = PENDING_DELETE_ROUND + 5;
    await new JobWriter(pool).insert(Array.from({ length: extra }, (): JobRow => ({
      queue: Q, partition: 1, priority: 1, state: JobState.PENDING, runAfterMs: now, attemptsAllowed: 1, attemptsRemaining: 1,
      customStatus: '', createdAtMs: now, updatedAtMs: now, body: Buffer.from('bulk'),
    })));
    // c, d, g and the bulk rows are PENDING; a, b (partition 0) and k (partition 1) are leased.
    expect(await backend.deleteJobs({ queue: Q, state: JobState.PENDING, priority: 1, limit: extra })).toBe(extra);
    expect(await backend.deleteJobs({ queue: Q, state: JobState.PENDING, priority: 1, limit: 100 })).toBe(3);
    expect(await backend.deleteJobs({ queue: Q, state: JobState.PENDING, priority: 1, limit: 100 })).toBe(0);
    expect(await backend.getJobCount({ queue: Q, state: JobState.IN_PROGRESS, priority: 1, future: true })).toBeGreaterThan(0);
  });

  it('a take waiting for a row a claim share-locks sees the claim\'s lease once it commits', async () => {
    const s = await seed();
    const claim = await pool.getConnection();
    try {
      await claim.query('START TRANSACTION');
      // As lease-claims.ts does: the named job row share-locked, then the lease written, one commit.
      await claim.query(`SELECT id FROM ${TABLES.jobs} WHERE id = ? AND state = 0 LOCK IN SHARE MODE`, [s.row('g').id]);
      const taking = backend.jobMover().take(Q, JobState.PENDING, 1, 10); // candidates c, d, g
      await xLockWaited();
      const { owner } = s.lease.l1;
      await claim.query(
        `INSERT INTO ${TABLES.claimLeases} (queue, part, lease_id, owner_id, epoch, claim_descriptor, claimed_at_ms, job_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [Q, 0, leaseIdOf(owner.epoch, 9), owner.ownerId, owner.epoch, 'w:race', s.nowMs, JSON.stringify([s.row('g').id])],
      );
      await claim.query('COMMIT');
      expect((await taking).map((j) => j.sourceDescriptor)).toEqual((['c', 'd'] as Name[]).map(s.descriptor));
    } finally {
      await claim.query('ROLLBACK').catch(() => undefined);
      claim.release();
    }
    expect((await backend.lookupJobs({ descriptors: [s.descriptor('g')], includeBody: false })).get(s.descriptor('g'))).toMatchObject({
      state: JobState.IN_PROGRESS, claimDescriptor: 'w:race', updatedAtMs: s.nowMs,
    });
  });
});

/** Waits until a statement waits for an X lock on a job row (one a test's transaction share-locks). */
async function xLockWaited(): Promise<void> {
  await eventually(async () => {
    const [waits] = await pool.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM information_schema.INNODB_LOCKS WHERE lock_table = ? AND lock_mode LIKE 'X%'", [`\`${fx.db.name}\`.\`${TABLES.jobs}\``],
    );
    expect(Number(waits[0]?.n)).toBeGreaterThan(0);
  }, { intervalMs: 200 });
}
