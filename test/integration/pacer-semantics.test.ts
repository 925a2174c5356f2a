/** PinLater semantics of the Pacer backend (embedded broker), on a fresh MariaDB database. */
import { createPacerBackend, type PacerBackend } from '../../pacer';
import { ErrorCode } from '../../core/src/errors/error-code';
import { JobState } from '../../core/src/types/job-state';
import { assertNoLeaks } from '../support/leak-check';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

let fx: PacerDb;
let backend: PacerBackend;

beforeAll(async () => {
  fx = await freshPacerDb();
  backend = await createPacerBackend({ topology: { mode: 'embedded' }, mysql: fx.mysql, defaultPartitions: 3, monitor: { claimTimeoutMs: 1, succeededTtlMs: 0, failedTtlMs: 0 } });
});
afterAll(async () => {
  await backend.close();
  await fx.db.drop();
});
afterAll(assertNoLeaks);

async function code(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { code?: number }).code;
  }
}

describe('Pacer backend semantics', () => {
  it('enqueues in request order with Pacer descriptors and dequeues priority-first', async () => {
    await backend.createQueue('sem1');
    await backend.createQueue('sem1'); // existing queue: no-op, like PinLater
    const ds = await backend.enqueueJobs({ queue: 'sem1', jobs: [job('low', { priority: 3 }), job('high', { priority: 1 }), job('mid', { priority: 2 })] });
    expect(ds).toHaveLength(3);
    for (const d of ds) expect(d).toMatch(/^sem1:spacer[0-2]:p[1-3]:\d+$/);
    expect(backend.ownsDescriptor(ds[0] as string)).toBe(true);
    expect(backend.ownsDescriptor('sem1:s1d1:p1:3')).toBe(false);
    const r = await backend.dequeueJobs(dequeueReq('sem1', 10));
    expect(r.jobs.map((j) => j.body.toString())).toEqual(['high', 'mid', 'low']);
    expect(r.jobs[0]).toMatchObject({ attemptsAllowed: 2, attemptsRemaining: 2 });
    expect((await backend.dequeueJobs(dequeueReq('sem1', 10))).jobs).toEqual([]);
  });

  it('acks: success appends status; failure retries with delay, then fails on the last attempt', async () => {
    await backend.createQueue('sem2');
    const [d] = await backend.enqueueJobs({ queue: 'sem2', jobs: [job('a', { customStatus: 'start;' })] });
    const desc = d as string;
    await backend.dequeueJobs(dequeueReq('sem2', 1));
    await backend.ackDequeuedJobs({ queue: 'sem2', succeeded: [], failed: [{ descriptor: desc, appendCustomStatus: 'f1;', retryDelayMs: 60_000 }] });
    let info = (await backend.lookupJobs({ descriptors: [desc], includeBody: true })).get(desc);
    expect(info).toMatchObject({ state: JobState.PENDING, attemptsRemaining: 1, customStatus: 'start;f1;' });
    expect(info?.claimDescriptor).toBeUndefined();
    expect((info?.runAfterMs ?? 0) - Date.now()).toBeGreaterThan(50_000);
    expect(await backend.getJobCount({ queue: 'sem2', state: JobState.PENDING, future: true })).toBe(1);
    // checkpoint into the present is impossible (not in progress) → no-op
    await backend.checkpointJobs({ queue: 'sem2', source: 'worker-a', items: [{ descriptor: desc, moveToPending: true, runAfterMs: 0 }] });
    expect((await backend.dequeueJobs(dequeueReq('sem2', 1))).jobs).toEqual([]);
    // make it ready via retry path: delete & re-enqueue with 1 attempt to test FAILED
    const [d2] = await backend.enqueueJobs({ queue: 'sem2', jobs: [job('b', { attemptsAllowed: 1 })] });
    const got = await backend.dequeueJobs(dequeueReq('sem2', 5));
    expect(got.jobs.map((j) => j.descriptor)).toEqual([d2]);
    await backend.ackDequeuedJobs({ queue: 'sem2', succeeded: [], failed: [{ descriptor: d2 as string, appendCustomStatus: 'x', retryDelayMs: 0 }] });
    info = (await backend.lookupJobs({ descriptors: [d2 as string], includeBody: false })).get(d2 as string);
    expect(info).toMatchObject({ state: JobState.FAILED, attemptsRemaining: 0, customStatus: 'x' });
    // success ack of a non-claimed job is ignored (documented choice)
    await backend.ackDequeuedJobs({ queue: 'sem2', succeeded: [{ descriptor: desc, appendCustomStatus: 'late', retryDelayMs: 0 }], failed: [] });
    expect((await backend.lookupJobs({ descriptors: [desc], includeBody: false })).get(desc)?.state).toBe(JobState.PENDING);
    expect(await backend.retryFailedJobs({ queue: 'sem2', priority: 1, attemptsToAllow: 3, limit: 10 })).toBe(1);
    const again = await backend.dequeueJobs(dequeueReq('sem2', 5));
    expect(again.jobs.map((j) => j.descriptor)).toEqual([d2]);
    expect(again.jobs[0]?.attemptsRemaining).toBe(3);
    await backend.ackDequeuedJobs({ queue: 'sem2', succeeded: [{ descriptor: d2 as string, appendCustomStatus: '-ok', retryDelayMs: 0 }], failed: [] });
    expect((await backend.lookupJobs({ descriptors: [d2 as string], includeBody: false })).get(d2 as string)).toMatchObject({ state: JobState.SUCCEEDED, customStatus: 'x-ok' });
  });

  it('checkpoint: needs the claim (substring of source), prepends status, moveToPending re-queues', async () => {
    await backend.createQueue('sem3');
    const [d] = await backend.enqueueJobs({ queue: 'sem3', jobs: [job('orig', { customStatus: 'tail' })] });
    const desc = d as string;
    await backend.dequeueJobs(dequeueReq('sem3', 1));
    await backend.checkpointJobs({ queue: 'sem3', source: 'someone-else', items: [{ descriptor: desc, moveToPending: true, newBody: 'x' }] });
    expect((await backend.lookupJobs({ descriptors: [desc], includeBody: true })).get(desc)?.state).toBe(JobState.IN_PROGRESS);
    await backend.checkpointJobs({
      queue: 'sem3', source: 'worker-a',
      items: [{ descriptor: desc, moveToPending: true, newBody: 'new body', numOfAttemptsAllowed: 5, prependCustomStatus: 'head-' }],
    });
    const info = (await backend.lookupJobs({ descriptors: [desc], includeBody: true })).get(desc);
    expect(info).toMatchObject({ state: JobState.PENDING, attemptsAllowed: 5, attemptsRemaining: 5, customStatus: 'head-tail' });
    expect(info?.body?.toString()).toBe('new body');
    const again = await backend.dequeueJobs(dequeueReq('sem3', 1));
    expect(again.jobs.map((j) => j.body.toString())).toEqual(['new body']);
  });

  it('count, scan (run-after descending), dry run, delete with a bound regex', async () => {
    await backend.createQueue('sem4');
    const now = Date.now();
    await backend.enqueueJobs({ queue: 'sem4', jobs: [job('job_body_1', { runAfterMs: now - 3000 }), job('job_body_2', { runAfterMs: now - 2000 }), job('other', { priority: 2 }), job('future', { runAfterMs: now + 600_000 })] });
    expect(await backend.getJobCount({ queue: 'sem4', state: JobState.PENDING, future: false })).toBe(3);
    expect(await backend.getJobCount({ queue: 'sem4', state: JobState.PENDING, future: false, priority: 1 })).toBe(2);
    expect(await backend.getJobCount({ queue: 'sem4', state: JobState.PENDING, future: false, bodyRegex: "job_body_[0-9]'" })).toBe(0);
    expect(await backend.getJobCount({ queue: 'sem4', state: JobState.PENDING, future: false, bodyRegex: 'job_body_1.*' })).toBe(1);
    expect(await backend.getJobCount({ queue: 'sem4', state: JobState.PENDING, future: true })).toBe(1);
    const scanned = await backend.scanJobs({ queue: 'sem4', state: JobState.PENDING, future: false, limit: 2 });
    expect(scanned).toHaveLength(2);
    expect((scanned[0]?.runAfterMs ?? 0) >= (scanned[1]?.runAfterMs ?? 0)).toBe(true);
    expect(scanned[0]?.body).toBeUndefined();
    const dry = await backend.dequeueJobs(dequeueReq('sem4', 10, { dryRun: true }));
    const bodies = dry.jobs.map((j) => j.body.toString());
    expect(bodies.slice(0, 2).sort()).toEqual(['job_body_1', 'job_body_2']);
    expect(bodies[2]).toBe('other');
    expect(await backend.getJobCount({ queue: 'sem4', state: JobState.IN_PROGRESS, future: false })).toBe(0);
    expect(await backend.deleteJobs({ queue: 'sem4', state: JobState.PENDING, priority: 1, bodyRegex: 'job_body_2', limit: 10 })).toBe(1);
    expect(await backend.getJobCount({ queue: 'sem4', state: JobState.PENDING, future: false })).toBe(2);
  });

  it('errors: unknown queue, bad priority, malformed/foreign descriptors, coverage', async () => {
    expect(await code(backend.enqueueJobs({ queue: 'nope', jobs: [job('x')] }))).toBe(ErrorCode.QUEUE_NOT_FOUND);
    expect(await code(backend.dequeueJobs(dequeueReq('nope', 1)))).toBe(ErrorCode.QUEUE_NOT_FOUND);
    expect(await code(backend.ackDequeuedJobs({ queue: 'nope', succeeded: [{ descriptor: 'nope:spacer0:p1:1', appendCustomStatus: '', retryDelayMs: 0 }], failed: [] }))).toBe(ErrorCode.QUEUE_NOT_FOUND);
    expect(await code(backend.getJobCount({ queue: 'nope', state: JobState.PENDING, future: false }))).toBe(ErrorCode.UNKNOWN);
    await backend.createQueue('sem5');
    expect(await code(backend.enqueueJobs({ queue: 'sem5', jobs: [job('x', { priority: 4 })] }))).toBe(ErrorCode.PRIORITY_NOT_SUPPORTED);
    expect(await code(backend.lookupJobs({ descriptors: ['sem5:spacer0:p1'], includeBody: false }))).toBe(ErrorCode.UNKNOWN);
    expect(await code(backend.lookupJobs({ descriptors: ['sem5:s1:p1:1'], includeBody: false }))).toBe(ErrorCode.UNKNOWN);
    expect((await backend.lookupJobs({ descriptors: ['sem5:spacer0:p1:999999'], includeBody: false })).size).toBe(0);
    expect(await code(backend.dequeueJobs(dequeueReq('sem5', 1, { coverage: 1.5 })))).toBe(ErrorCode.UNKNOWN);
    expect((await backend.dequeueJobs(dequeueReq('sem5', 1, { coverage: 0.1 }))).jobs).toEqual([]);
    expect(await code(backend.createQueue('q'.repeat(101)))).toBe(ErrorCode.QUEUE_NAME_TOO_LONG);
  });

  it('custom status keeps the first 5000 characters', async () => {
    await backend.createQueue('sem6');
    const [d] = await backend.enqueueJobs({ queue: 'sem6', jobs: [job('a', { customStatus: '*' })] });
    await backend.dequeueJobs(dequeueReq('sem6', 1));
    await backend.ackDequeuedJobs({ queue: 'sem6', succeeded: [{ descriptor: d as string, appendCustomStatus: '-'.repeat(5000), retryDelayMs: 0 }], failed: [] });
    const s = (await backend.lookupJobs({ descriptors: [d as string], includeBody: false })).get(d as string)?.customStatus ?? '';
    expect(s).toBe(`*${'-'.repeat(4999)}`);
  });

  it('monitor: claim timeout retries or fails by attempts, GC removes finished jobs', async () => {
    await backend.createQueue('sem7');
    const ones = await backend.enqueueJobs({ queue: 'sem7', jobs: [job('a', { attemptsAllowed: 1 }), job('b', { attemptsAllowed: 1 })] });
    const twos = await backend.enqueueJobs({ queue: 'sem7', jobs: [job('c', { attemptsAllowed: 2 }), job('d', { attemptsAllowed: 0 })] });
    expect((await backend.dequeueJobs(dequeueReq('sem7', 10))).jobs).toHaveLength(4);
    await new Promise((r) => setTimeout(r, 5));
    const report = await backend.runMonitorOnce();
    expect(report.queues.sem7).toMatchObject({ timeoutDone: 3, timeoutRetry: 1 });
    const infos = await backend.lookupJobs({ descriptors: [...ones, ...twos], includeBody: false });
    expect([...infos.values()].map((i) => i.state).sort()).toEqual([JobState.PENDING, JobState.FAILED, JobState.FAILED, JobState.FAILED]);
    // the retried one is dequeuable again right away (run_after unchanged), attempts consumed
    const again = await backend.dequeueJobs(dequeueReq('sem7', 10));
    expect(again.jobs.map((j) => j.body.toString())).toEqual(['c']);
    expect(again.jobs[0]?.attemptsRemaining).toBe(1);
    await new Promise((r) => setTimeout(r, 5));
    const gc = await backend.runMonitorOnce();
    expect(gc.queues.sem7?.failedGc).toBe(3);
  });

  it('export and import keep every field', async () => {
    await backend.createQueue('sem8');
    await backend.createQueue('sem9');
    await backend.enqueueJobs({ queue: 'sem8', jobs: [job('e1', { customStatus: 'cs', attemptsAllowed: 4 }), job('e2')] });
    const page = await backend.exportJobs({ queue: 'sem8', state: JobState.PENDING, priority: 1, limit: 1 });
    expect(page.jobs).toHaveLength(1);
    expect(page.nextCursor).toBeDefined();
    const rest = await backend.exportJobs({ queue: 'sem8', state: JobState.PENDING, priority: 1, limit: 10, ...(page.nextCursor === undefined ? {} : { cursor: page.nextCursor }) });
    expect(rest.jobs).toHaveLength(1);
    expect(rest.nextCursor).toBeUndefined();
    const all = [...page.jobs, ...rest.jobs];
    const imported = await backend.importJobs('sem9', all);
    expect(imported.map((i) => i.sourceDescriptor)).toEqual(all.map((j) => j.sourceDescriptor));
    const info = (await backend.lookupJobs({ descriptors: [imported[0]?.descriptor as string], includeBody: true })).get(imported[0]?.descriptor as string);
    expect(info).toMatchObject({ state: JobState.PENDING, attemptsAllowed: 4, customStatus: 'cs', createdAtMs: all[0]?.createdAtMs });
    const got = await backend.dequeueJobs(dequeueReq('sem9', 10));
    expect(got.jobs.map((j) => j.body.toString()).sort()).toEqual(['e1', 'e2']);
  });

  it('deleteQueue removes the queue and its jobs', async () => {
    await backend.createQueue('sem10');
    await backend.enqueueJobs({ queue: 'sem10', jobs: [job('x')] });
    await backend.deleteQueue('sem10');
    expect((await backend.getQueueNames()).has('sem10')).toBe(false);
    expect(await code(backend.enqueueJobs({ queue: 'sem10', jobs: [job('x')] }))).toBe(ErrorCode.QUEUE_NOT_FOUND);
  });
});
