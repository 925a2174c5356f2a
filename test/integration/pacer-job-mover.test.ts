/**
 * Pacer's side of the migration copier's exactly-once moves (pacer/src/api/pacer-job-mover.ts,
 * docs/migration.md), against real MariaDB (a fresh database) and the embedded topology's real
 * in-process broker:
 * - taken jobs (state 10 + s) and staged jobs (20 + s) are served by nothing: dequeue (broker
 *   claims and dry runs), counts, scans, lookups (absent), retryFailedJobs, deleteJobs, the
 *   claim-timeout/GC monitor; deleteQueue still removes them;
 * - take is earliest run-after first across partitions; restore and publish make jobs visible
 *   again (the broker is told); every step is idempotent;
 * - taken and staged jobs are durable: a new backend instance lists them;
 * - a take racing dequeues never hands a job to both.
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { createMysqlPool, createPacerBackend, type PacerBackend } from '../../pacer';
import type { JobMover } from '../../core/src/interfaces/job-mover';
import { jobChecksum } from '../../core/src/migration/job-checksum';
import type { PortableJob } from '../../core/src/types/job';
import { JobState } from '../../core/src/types/job-state';
import { assertNoLeaks } from '../support/leak-check';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

let fx: PacerDb;
let backend: PacerBackend;
let mover: JobMover;
let pool: Pool;

const options = (mysql: PacerDb['mysql']): Parameters<typeof createPacerBackend>[0] => ({
  topology: { mode: 'embedded', safetySweepMs: 0 }, mysql, defaultPartitions: 3,
  monitor: { claimTimeoutMs: 1, succeededTtlMs: 0, failedTtlMs: 0, enabled: false },
});

beforeAll(async () => {
  fx = await freshPacerDb();
  backend = await createPacerBackend(options(fx.mysql));
  mover = backend.jobMover();
  pool = createMysqlPool({ ...fx.mysql, connectionLimit: 2, connectTimeoutMs: 5000 });
});
afterAll(async () => {
  await pool?.end();
  await backend?.close();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

/** `state` of every row of the queue, by id (what MySQL holds, whatever the API shows). */
async function rowStates(queue: string): Promise<Map<number, number>> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT id, state FROM jobs WHERE queue = ?', [queue]);
  return new Map(rows.map((r) => [Number(r.id), Number(r.state)]));
}

const idOf = (descriptor: string): number => Number(descriptor.split(':')[3]);

/** Descriptors of the queue's jobs clients read IN_PROGRESS (a claim lease's jobs keep their row PENDING). */
async function inProgress(queue: string): Promise<Set<string>> {
  const scan = (future: boolean): Promise<Array<{ descriptor: string }>> => backend.scanJobs({ queue, state: JobState.IN_PROGRESS, future, limit: 10_000 });
  return new Set([...(await scan(false)), ...(await scan(true))].map((j) => j.descriptor));
}

/** A job as another system would hand it over (legacy MySQL-like source descriptor). */
function portable(queue: string, n: number, state: JobState, extra: Partial<PortableJob> = {}): PortableJob {
  const now = Date.now();
  return {
    sourceDescriptor: `${queue}:s1d1:p1:${n}`, queue, priority: 1, state, body: Buffer.from(`${queue}-src-${n}`),
    attemptsAllowed: 3, attemptsRemaining: state === JobState.FAILED ? 0 : 2, customStatus: `status ${n}`,
    createdAtMs: now - 60_000, updatedAtMs: now - 30_000, runAfterMs: now - 10_000, ...extra,
  };
}

describe('Pacer job mover', () => {
  it('take: earliest run-after first across partitions; taken jobs are invisible to dequeue, counts, scans and lookups', async () => {
    const q = 'mv_take';
    await backend.createQueue(q);
    const now = Date.now();
    // Six ready jobs, oldest first by run-after: spread over the three partitions at random.
    const ds = await backend.enqueueJobs({ queue: q, jobs: [6, 5, 4, 3, 2, 1].map((k) => job(`t${k}`, { runAfterMs: now - k * 1000 })) });
    const taken = await mover.take(q, JobState.PENDING, 1, 4);
    expect(taken.map((j) => j.body.toString())).toEqual(['t6', 't5', 't4', 't3']);
    expect(taken.map((j) => j.sourceDescriptor)).toEqual(ds.slice(0, 4));
    expect(taken[0]).toMatchObject({ queue: q, priority: 1, state: JobState.PENDING, attemptsAllowed: 2, attemptsRemaining: 2, runAfterMs: now - 6000 });
    const states = await rowStates(q);
    expect(ds.map((d) => states.get(idOf(d)))).toEqual([10, 10, 10, 10, 0, 0]);

    expect(await backend.getJobCount({ queue: q, state: JobState.PENDING, future: false })).toBe(2);
    expect((await backend.scanJobs({ queue: q, state: JobState.PENDING, future: false, limit: 100 })).map((j) => j.descriptor).sort()).toEqual(ds.slice(4).sort());
    const looked = await backend.lookupJobs({ descriptors: ds, includeBody: true });
    expect([...looked.keys()].sort()).toEqual(ds.slice(4).sort());
    expect((await backend.dequeueJobs(dequeueReq(q, 10, { dryRun: true }))).jobs.map((j) => j.descriptor).sort()).toEqual(ds.slice(4).sort());
    expect((await backend.dequeueJobs(dequeueReq(q, 10))).jobs.map((j) => j.descriptor).sort()).toEqual(ds.slice(4).sort());
    expect((await backend.dequeueJobs(dequeueReq(q, 10))).jobs).toEqual([]);

    // listTaken finds them as take returned them; a second take finds nothing left.
    expect((await mover.listTaken(q, 100)).map((j) => j.sourceDescriptor).sort()).toEqual(ds.slice(0, 4).sort());
    expect(await mover.take(q, JobState.PENDING, 1, 10)).toEqual([]);
  });

  it('restore puts taken jobs back (served again), finish deletes them; both idempotent', async () => {
    const q = 'mv_restore';
    await backend.createQueue(q);
    const ds = await backend.enqueueJobs({ queue: q, jobs: [job('r1'), job('r2'), job('r3'), job('r4')] });
    expect(await mover.take(q, JobState.PENDING, 1, 10)).toHaveLength(4);
    expect((await backend.dequeueJobs(dequeueReq(q, 10))).jobs).toEqual([]); // the broker has seen them vanish

    const back = ds.slice(0, 2);
    const gone = ds.slice(2);
    expect(await mover.restore(q, back)).toBe(2);
    expect(await mover.restore(q, back)).toBe(0);
    expect((await backend.dequeueJobs(dequeueReq(q, 10))).jobs.map((j) => j.descriptor).sort()).toEqual([...back].sort());

    expect(await mover.finish(q, gone)).toBe(2);
    expect(await mover.finish(q, gone)).toBe(0);
    expect(await mover.restore(q, gone)).toBe(0);
    expect(await mover.finish(q, back)).toBe(0); // restored (and now claimed): not taken, not deleted
    const states = await rowStates(q);
    expect(ds.map((d) => states.has(idOf(d)))).toEqual([true, true, false, false]);
    expect(await inProgress(q)).toEqual(new Set(back));
    expect(await mover.listTaken(q, 100)).toEqual([]);
    // Another queue's descriptors and another system's are no-ops.
    expect(await mover.finish(q, ['other:spacer0:p1:1', `${q}:s1d1:p1:3`])).toBe(0);
  });

  it('taken and staged FAILED/SUCCEEDED jobs: no retry, no delete, no GC, no count; deleteQueue removes them', async () => {
    const q = 'mv_done';
    await backend.createQueue(q);
    const old = Date.now() - 3_600_000;
    const imported = await backend.importJobs(q, [
      portable(q, 1, JobState.FAILED, { updatedAtMs: old, claimDescriptor: 'h:1:1:w:1' }),
      portable(q, 2, JobState.SUCCEEDED, { updatedAtMs: old }),
    ]);
    const [failed, succeeded] = imported.map((r) => r.descriptor) as [string, string];
    expect((await mover.take(q, JobState.FAILED, 1, 10)).map((j) => [j.sourceDescriptor, j.claimDescriptor])).toEqual([[failed, 'h:1:1:w:1']]);
    expect((await mover.take(q, JobState.SUCCEEDED, 1, 10)).map((j) => j.sourceDescriptor)).toEqual([succeeded]);
    const staged = await mover.stage(q, [portable(q, 3, JobState.SUCCEEDED, { updatedAtMs: old }), portable(q, 4, JobState.FAILED, { updatedAtMs: old })]);

    expect(await backend.retryFailedJobs({ queue: q, priority: 1, attemptsToAllow: 2, limit: 100 })).toBe(0);
    for (const state of [JobState.FAILED, JobState.SUCCEEDED]) {
      expect(await backend.getJobCount({ queue: q, state, future: false })).toBe(0);
      expect(await backend.scanJobs({ queue: q, state, future: false, limit: 10 })).toEqual([]);
      expect(await backend.deleteJobs({ queue: q, state, priority: 1, limit: 100 })).toBe(0);
      expect(await backend.deleteJobs({ queue: q, state, priority: 1, limit: 100, bodyRegex: 'src' })).toBe(0);
    }
    const report = await backend.runMonitorOnce();
    expect(report.queues[q]).toEqual({ timeoutDone: 0, timeoutRetry: 0, timeoutEvicted: 0, succeededGc: 0, failedGc: 0 });
    expect(await mover.listTaken(q, 10)).toHaveLength(2);
    expect((await mover.listStaged(q, 10)).map((s) => s.descriptor).sort()).toEqual(staged.map((s) => s.descriptor).sort());
    expect((await backend.lookupJobs({ descriptors: [failed, succeeded, ...staged.map((s) => s.descriptor)], includeBody: false })).size).toBe(0);

    expect((await rowStates(q)).size).toBe(4);
    await backend.deleteQueue(q);
    expect((await rowStates(q)).size).toBe(0);
  });

  it('takes a job a lease ack settled with its lease\'s claim descriptor, and the taken row keeps it', async () => {
    const q = 'mv_leased';
    await backend.createQueue(q);
    const [d] = await backend.enqueueJobs({ queue: q, jobs: [job('settled by a lease')] });
    const id = idOf(d as string);
    const part = Number((d as string).split(':')[1]?.replace('spacer', ''));
    // As a lease ack leaves it (migration 0004): SUCCEEDED, no descriptor in the row, its lease
    // named by settled_lease, and the deleted lease's descriptor kept in settled_descriptors.
    const leaseId = 2 ** 32 + 7;
    await pool.query('UPDATE jobs SET state = ?, settled_lease = ?, claim_descriptor = NULL WHERE id = ?', [JobState.SUCCEEDED, leaseId, id]);
    await pool.query('INSERT INTO settled_descriptors (queue, part, lease_id, claim_descriptor, settled_at_ms) VALUES (?, ?, ?, ?, ?)', [q, part, leaseId, 'h:9:1:w:leased', Date.now()]);
    expect((await backend.lookupJobs({ descriptors: [d as string], includeBody: false })).get(d as string)?.claimDescriptor).toBe('h:9:1:w:leased');

    expect((await mover.take(q, JobState.SUCCEEDED, 1, 10)).map((j) => [j.sourceDescriptor, j.claimDescriptor])).toEqual([[d, 'h:9:1:w:leased']]);
    const [[row]] = await pool.query<RowDataPacket[]>('SELECT state, claim_descriptor FROM jobs WHERE id = ?', [id]);
    expect({ ...row }).toEqual({ state: 10 + JobState.SUCCEEDED, claim_descriptor: 'h:9:1:w:leased' });
    await pool.query('DELETE FROM settled_descriptors WHERE queue = ?', [q]); // the descriptor GC, whatever it does, no longer matters
    expect((await mover.listTaken(q, 10)).map((j) => j.claimDescriptor)).toEqual(['h:9:1:w:leased']);
    expect(await mover.restore(q, [d as string])).toBe(1);
    expect((await backend.lookupJobs({ descriptors: [d as string], includeBody: false })).get(d as string)?.claimDescriptor).toBe('h:9:1:w:leased');
    await backend.deleteQueue(q);
  });

  it('stage writes invisibly (tagged, read back as stored); publish makes the jobs visible with their claim; discard; all idempotent', async () => {
    const q = 'mv_stage';
    await backend.createQueue(q);
    const sources = [
      portable(q, 1, JobState.PENDING),
      portable(q, 2, JobState.FAILED, { claimDescriptor: 'host:9090:5:worker-b:7' }),
      portable(q, 3, JobState.SUCCEEDED, { priority: 2, sourceDescriptor: `${q}:s1d1:p2:3` }),
    ];
    const staged = await mover.stage(q, sources);
    expect(staged.map((s) => s.sourceDescriptor)).toEqual(sources.map((s) => s.sourceDescriptor));
    for (const [i, s] of staged.entries()) {
      const src = sources[i] as PortableJob;
      expect(s.descriptor).toMatch(new RegExp(`^${q}:spacer[0-2]:p${src.priority}:\\d+$`));
      const { claimDescriptor: _claim, ...srcWithoutClaim } = src;
      expect(s.stored).toEqual(srcWithoutClaim);
      expect(jobChecksum(s.stored)).toBe(jobChecksum(src));
    }
    const [pending, failed, succeeded] = staged.map((s) => s.descriptor) as [string, string, string];
    expect((await rowStates(q)).get(idOf(pending))).toBe(20);

    // Invisible while staged.
    expect((await backend.dequeueJobs(dequeueReq(q, 10, { dryRun: true }))).jobs).toEqual([]);
    expect((await backend.dequeueJobs(dequeueReq(q, 10))).jobs).toEqual([]);
    expect(await backend.getJobCount({ queue: q, state: JobState.PENDING, future: false })).toBe(0);
    expect(await backend.getJobCount({ queue: q, state: JobState.FAILED, future: false })).toBe(0);
    expect((await backend.lookupJobs({ descriptors: [pending, failed, succeeded], includeBody: true })).size).toBe(0);
    expect((await mover.listStaged(q, 10)).sort((a, b) => a.sourceDescriptor.localeCompare(b.sourceDescriptor))).toEqual(
      staged.map((s) => ({ sourceDescriptor: s.sourceDescriptor, descriptor: s.descriptor })),
    );

    expect(await mover.publish(q, [{ descriptor: pending }, { descriptor: failed, claimDescriptor: 'host:9090:5:worker-b:7' }])).toBe(2);
    expect(await mover.publish(q, [{ descriptor: pending }, { descriptor: failed }])).toBe(0);
    const info = await backend.lookupJobs({ descriptors: [pending, failed], includeBody: true });
    expect(info.get(failed)).toMatchObject({ state: JobState.FAILED, claimDescriptor: 'host:9090:5:worker-b:7', customStatus: 'status 2', attemptsRemaining: 0 });
    expect(info.get(pending)).toMatchObject({ state: JobState.PENDING, body: Buffer.from(`${q}-src-1`) });
    expect(info.get(pending)?.claimDescriptor).toBeUndefined();
    // The broker serves the published job (told by the publish: no safety sweep runs here).
    expect((await backend.dequeueJobs(dequeueReq(q, 10))).jobs.map((j) => j.descriptor)).toEqual([pending]);

    expect(await mover.discard(q, [succeeded, failed])).toBe(1);
    expect(await mover.discard(q, [succeeded])).toBe(0);
    expect(await mover.listStaged(q, 10)).toEqual([]);
    expect((await rowStates(q)).size).toBe(2);
    const left = await backend.lookupJobs({ descriptors: [pending, failed], includeBody: false });
    expect([left.get(pending)?.state, left.get(failed)?.state]).toEqual([JobState.IN_PROGRESS, JobState.FAILED]);
  });

  it('taken and staged jobs are durable: a new backend on the same database lists and settles them', async () => {
    const q = 'mv_durable';
    const first = await createPacerBackend(options(fx.mysql));
    let second: PacerBackend | undefined;
    try {
      await first.createQueue(q);
      const ds = await first.enqueueJobs({ queue: q, jobs: [job('d1'), job('d2')] });
      await first.jobMover().take(q, JobState.PENDING, 1, 10);
      const staged = await first.jobMover().stage(q, [portable(q, 9, JobState.PENDING)]);
      await first.close();

      second = await createPacerBackend(options(fx.mysql));
      const again = second.jobMover();
      expect((await again.listTaken(q, 10)).map((j) => j.sourceDescriptor).sort()).toEqual([...ds].sort());
      expect(await again.listStaged(q, 10)).toEqual([{ sourceDescriptor: `${q}:s1d1:p1:9`, descriptor: staged[0]?.descriptor }]);
      expect(await again.restore(q, ds)).toBe(2);
      expect(await again.publish(q, [{ descriptor: staged[0]?.descriptor as string }])).toBe(1);
      expect((await second.dequeueJobs(dequeueReq(q, 10))).jobs.map((j) => j.body.toString()).sort()).toEqual(['d1', 'd2', `${q}-src-9`]);
    } finally {
      await first.close();
      await second?.close();
    }
  });

  it('a take racing dequeues never hands a job to both: every job is either claimed or taken, once', async () => {
    const q = 'mv_race';
    await backend.createQueue(q);
    const ds = await backend.enqueueJobs({ queue: q, jobs: Array.from({ length: 300 }, (_, i) => job(`race${i}`)) });
    const dequeued: string[] = [];
    const taken: string[] = [];
    // Both sides run until every job went to one of them (an empty answer only means "nothing
    // for me right now": a take can lose all its candidates to claims, a broker's buffer can lag),
    // bounded by a deadline so a lost job fails the assertions below instead of hanging.
    const deadline = Date.now() + 30_000;
    const running = (): boolean => dequeued.length + taken.length < ds.length && Date.now() < deadline;
    const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 10));
    const dequeuer = async (): Promise<void> => {
      while (running()) {
        const got = (await backend.dequeueJobs(dequeueReq(q, 7))).jobs.map((j) => j.descriptor);
        dequeued.push(...got);
        if (got.length === 0) await pause();
      }
    };
    const taker = async (): Promise<void> => {
      while (running()) {
        const got = (await mover.take(q, JobState.PENDING, 1, 5)).map((j) => j.sourceDescriptor);
        taken.push(...got);
        if (got.length === 0) await pause();
      }
    };
    await Promise.all([dequeuer(), dequeuer(), taker(), taker()]);
    const both = dequeued.filter((d) => taken.includes(d));
    expect(both).toEqual([]);
    expect(new Set(dequeued).size).toBe(dequeued.length);
    expect(new Set(taken).size).toBe(taken.length);
    expect([...dequeued, ...taken].sort()).toEqual([...ds].sort());
    expect(taken.length).toBeGreaterThan(0);
    expect(dequeued.length).toBeGreaterThan(0);
    const states = await rowStates(q);
    const claimed = await inProgress(q);
    for (const d of dequeued) expect(claimed.has(d)).toBe(true);
    for (const d of taken) expect(states.get(idOf(d))).toBe(10);
  });

  it('refuses what it cannot move: IN_PROGRESS, an unknown priority, an unknown queue', async () => {
    const q = 'mv_refuse';
    await backend.createQueue(q);
    await expect(mover.take(q, JobState.IN_PROGRESS as never, 1, 1)).rejects.toMatchObject({ code: 500 });
    await expect(mover.take(q, JobState.PENDING, 4, 1)).rejects.toMatchObject({ code: 416 });
    await expect(mover.stage(q, [portable(q, 1, JobState.IN_PROGRESS)])).rejects.toMatchObject({ code: 500 });
    await expect(mover.stage('mv_no_such_queue', [portable(q, 1, JobState.PENDING)])).rejects.toMatchObject({ code: 413 });
    expect(await mover.listStaged(q, 10)).toEqual([]);
  });
});
