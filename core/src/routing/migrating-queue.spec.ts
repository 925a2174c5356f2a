import { ErrorCode } from '../errors/error-code';
import { JobState } from '../types/job-state';
import { LEGACY_CLUSTER, methodsCalled, migrating, tagged, twoSystemRouter, type TwoSystemRouter } from '../../../test/support/two-system-router';

const Q = 'mq';
let t: TwoSystemRouter;

beforeEach(() => {
  t = twoSystemRouter();
});

const pendingOn = (system: TwoSystemRouter['legacy']): Promise<number> => system.getJobCount({ queue: Q, state: JobState.PENDING, future: false });

/** Enqueues on a system directly and fails the jobs there (dequeue + failed ack, no retries left to matter). */
async function failedOn(system: TwoSystemRouter['legacy'], count: number, priority = 1): Promise<void> {
  await system.enqueueJobs({ queue: Q, jobs: Array.from({ length: count }, (_, i) => tagged(`f${i}`, priority)) });
  const { jobs } = await system.dequeueJobs({ queue: Q, limit: count, dryRun: false, coverage: 1, claimDescriptor: 'c', onlyPriority: priority });
  await system.ackDequeuedJobs({ queue: Q, succeeded: [], failed: jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 })) });
}

describe('a migrating queue: the other calls', () => {
  it('enqueues go to the destination only (to-pacer: Pacer; to-legacy: the legacy cluster)', async () => {
    t.routes.set(Q, migrating('to-pacer'));
    const [toPacer] = await t.router.enqueueJobs({ queue: Q, jobs: [tagged('new', 1)] });
    expect(t.pacer.ownsDescriptor(toPacer as string)).toBe(true);
    expect([await pendingOn(t.legacy), await pendingOn(t.pacer)]).toEqual([0, 1]);
    t.routes.set(Q, migrating('to-legacy'));
    await t.router.enqueueJobs({ queue: Q, jobs: [tagged('back', 1)] });
    expect([await pendingOn(t.legacy), await pendingOn(t.pacer)]).toEqual([1, 1]);
  });

  it('counts add both sides', async () => {
    t.routes.set(Q, migrating('to-pacer'));
    await t.legacy.enqueueJobs({ queue: Q, jobs: [tagged('a', 1), tagged('b', 2)] });
    await t.pacer.enqueueJobs({ queue: Q, jobs: [tagged('c', 1)] });
    expect(await t.router.getJobCount({ queue: Q, state: JobState.PENDING, future: false })).toBe(3);
    expect(await t.router.getJobCount({ queue: Q, state: JobState.PENDING, future: false, priority: 1 })).toBe(2);
  });

  it('scans merge both sides by runAfter descending and keep the first `limit`', async () => {
    t.routes.set(Q, migrating('to-pacer'));
    await t.legacy.enqueueJobs({ queue: Q, jobs: [tagged('L10', 1, 10_000), tagged('L30', 1, 30_000)] });
    await t.pacer.enqueueJobs({ queue: Q, jobs: [tagged('P20', 1, 20_000), tagged('P40', 1, 40_000)] });
    const scanned = await t.router.scanJobs({ queue: Q, state: JobState.PENDING, future: false, limit: 3 });
    expect(scanned.map((j) => j.runAfterMs)).toEqual([40_000, 30_000, 20_000]);
    expect(scanned.map((j) => t.pacer.ownsDescriptor(j.descriptor))).toEqual([true, false, true]);
  });

  it('retries and deletes visit the side it leaves first, then the destination with what the limit leaves', async () => {
    t.routes.set(Q, migrating('to-pacer'));
    await failedOn(t.legacy, 2);
    await failedOn(t.pacer, 3);
    expect(await t.router.retryFailedJobs({ queue: Q, priority: 1, attemptsToAllow: 2, limit: 4 })).toBe(4);
    expect([await pendingOn(t.legacy), await pendingOn(t.pacer)]).toEqual([2, 2]);
    const limits = (system: TwoSystemRouter['legacy']): unknown[] => system.calls.filter((c) => c.method === 'retryFailedJobs').map((c) => (c.arg as { limit: number }).limit);
    expect([limits(t.legacy), limits(t.pacer)]).toEqual([[4], [2]]);

    expect(await t.router.deleteJobs({ queue: Q, state: JobState.PENDING, priority: 1, limit: 3 })).toBe(3);
    expect([await pendingOn(t.legacy), await pendingOn(t.pacer)]).toEqual([0, 1]);
    expect(await t.router.deleteJobs({ queue: Q, state: JobState.PENDING, priority: 1, limit: 1 })).toBe(1);
    expect(methodsCalled(t.legacy).filter((m) => m === 'deleteJobs')).toHaveLength(2);
    // The source filled the limit alone: the destination was not asked.
    await failedOn(t.legacy, 2);
    const pacerRetries = limits(t.pacer).length;
    expect(await t.router.retryFailedJobs({ queue: Q, priority: 1, attemptsToAllow: 2, limit: 2 })).toBe(2);
    expect(limits(t.pacer)).toHaveLength(pacerRetries);
  });

  it('createQueue and deleteQueue act on both sides; export and import on the destination', async () => {
    t.routes.set(Q, migrating('to-legacy'));
    await t.router.createQueue(Q);
    expect([methodsCalled(t.legacy), methodsCalled(t.pacer)].map((m) => m.includes('createQueue'))).toEqual([true, true]);
    await t.router.exportJobs({ queue: Q, state: JobState.PENDING, priority: 1, limit: 10 });
    await t.router.importJobs(Q, []);
    const moves = (system: TwoSystemRouter['legacy']): string[] => methodsCalled(system).filter((m) => m === 'exportJobs' || m === 'importJobs');
    expect([moves(t.legacy), moves(t.pacer)]).toEqual([['exportJobs', 'importJobs'], []]);
    await t.router.deleteQueue(Q);
    expect([methodsCalled(t.legacy), methodsCalled(t.pacer)].map((m) => m.includes('deleteQueue'))).toEqual([true, true]);
  });

  it("acks follow the descriptor's issuer: a legacy descriptor of a queue migrating to Pacer is acked on legacy", async () => {
    t.routes.set(Q, { mode: 'legacy', cluster: LEGACY_CLUSTER });
    const [legacyDescriptor] = await t.router.enqueueJobs({ queue: Q, jobs: [tagged('old', 1)] });
    const { jobs } = await t.router.dequeueJobs({ queue: Q, limit: 1, dryRun: false, coverage: 1, claimDescriptor: 'c' });
    expect(jobs.map((j) => j.descriptor)).toEqual([legacyDescriptor]);
    t.routes.set(Q, migrating('to-pacer'));
    await t.router.ackDequeuedJobs({ queue: Q, succeeded: [{ descriptor: legacyDescriptor as string, appendCustomStatus: '', retryDelayMs: 0 }], failed: [] });
    const state = (await t.legacy.lookupJobs({ descriptors: [legacyDescriptor as string], includeBody: false })).get(legacyDescriptor as string)?.state;
    expect(state).toBe(JobState.SUCCEEDED);
    expect(methodsCalled(t.pacer)).not.toContain('ackDequeuedJobs');
  });

  it('has no job mover: it fronts several systems (UNKNOWN)', () => {
    expect(() => t.router.jobMover()).toThrow(expect.objectContaining({ code: ErrorCode.UNKNOWN }) as unknown as Error);
  });
});
