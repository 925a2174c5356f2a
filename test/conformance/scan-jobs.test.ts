/** scanJobs (FACTS §1.3 continuation, §3.8, §5.5 scan, §6.4 scan). */
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { enqueueAndClaim, enqueueN, halfSecondInstant, reported } from './harness/job-helpers';
import { ErrorCode, expectPinLaterError } from './harness/wire-expectations';

describeConformance('scanJobs', (ctx) => {
  /** Jobs due 10 s, 20 s, … ago (whole-second steps, so every backend orders them the same way). */
  async function staggered(queue: string, n: number, priority = 1): Promise<{ descriptors: string[]; runAfters: number[] }> {
    const base = halfSecondInstant(-3_600_000);
    const runAfters = Array.from({ length: n }, (_, i) => base + i * 10_000);
    const descriptors = await ctx.client.enqueue(queue, runAfters.map((runAfterMs, i) => ({ body: `s${i}`, runAfterMs, priority })));
    return { descriptors, runAfters };
  }

  it('returns jobs of the state ordered by runAfter descending, with PinLaterJobInfo fields and no body', async () => {
    const queue = await ctx.newQueue('order');
    const { descriptors, runAfters } = await staggered(queue, 7);
    const response = await ctx.client.scan({ queue, state: JobState.PENDING });
    expect(response.continuation).toBe('-1');
    expect(response.scannedJobs.map((j) => j.jobDescriptor)).toEqual([...descriptors].reverse());
    expect(response.scannedJobs.map((j) => j.runAfterTimestampMillis)).toEqual(runAfters.map((r) => reported(r, ctx.traits)).reverse());
    for (const job of response.scannedJobs) {
      expect(job).toMatchObject({ jobState: JobState.PENDING, attemptsAllowed: 2, attemptsRemaining: 2, customStatus: '', body: null });
    }
  });

  it('orders across priorities and shards by runAfter descending', async () => {
    const queue = await ctx.newQueue('mixed');
    const base = halfSecondInstant(-3_600_000);
    const ds = await ctx.client.enqueue(queue, [3, 1, 2, 1, 3, 2].map((priority, i) => ({ body: `m${i}`, priority, runAfterMs: base + i * 10_000 })));
    const response = await ctx.client.scan({ queue, state: JobState.PENDING });
    expect(response.scannedJobs.map((j) => j.jobDescriptor)).toEqual([...ds].reverse());
  });

  it('limit keeps the most recent runAfters', async () => {
    const queue = await ctx.newQueue('limit');
    const { descriptors } = await staggered(queue, 8);
    const response = await ctx.client.scan({ queue, state: JobState.PENDING, limit: 3 });
    expect(response.scannedJobs.map((j) => j.jobDescriptor)).toEqual(descriptors.slice(-3).reverse());
  });

  it('filters by priority', async () => {
    const queue = await ctx.newQueue('prio');
    await staggered(queue, 3, 1);
    const { descriptors } = await staggered(queue, 2, 2);
    const response = await ctx.client.scan({ queue, state: JobState.PENDING, priority: 2 });
    expect(response.scannedJobs.map((j) => j.jobDescriptor).sort()).toEqual([...descriptors].sort());
  });

  it('scanFutureJobs returns only jobs not yet due, and the default only due ones', async () => {
    const queue = await ctx.newQueue('future');
    const [due] = await enqueueN(ctx.client, queue, 1, 'due', { runAfterMs: Date.now() - 60_000 });
    const later = halfSecondInstant(3_600_000);
    const [future] = await enqueueN(ctx.client, queue, 1, 'future', { runAfterMs: later });
    const now = await ctx.client.scan({ queue, state: JobState.PENDING });
    expect(now.scannedJobs.map((j) => j.jobDescriptor)).toEqual([due]);
    const fut = await ctx.client.scan({ queue, state: JobState.PENDING, future: true });
    expect(fut.scannedJobs.map((j) => [j.jobDescriptor, j.runAfterTimestampMillis])).toEqual([[future, reported(later, ctx.traits)]]);
  });

  it('scans other states and reports the claim of in-progress jobs', async () => {
    const queue = await ctx.newQueue('states');
    const ds = await enqueueAndClaim(ctx.client, queue, 3, { attemptsAllowed: 1 });
    await ctx.client.ack({ queue, succeeded: [{ descriptor: ds[0] as string }], failed: [{ descriptor: ds[1] as string }] });
    const scan = async (state: (typeof JobState)[keyof typeof JobState]) => (await ctx.client.scan({ queue, state })).scannedJobs;
    expect((await scan(JobState.SUCCEEDED)).map((j) => [j.jobDescriptor, j.jobState])).toEqual([[ds[0], JobState.SUCCEEDED]]);
    expect((await scan(JobState.FAILED)).map((j) => [j.jobDescriptor, j.jobState, j.attemptsRemaining])).toEqual([[ds[1], JobState.FAILED, 0]]);
    const inProgress = await scan(JobState.IN_PROGRESS);
    expect(inProgress.map((j) => j.jobDescriptor)).toEqual([ds[2]]);
    expect(inProgress[0]?.claimDescriptor).toContain(ctx.client.source);
  });

  it('bodyRegexToMatch with a pattern valid in both dialects', async () => {
    const queue = await ctx.newQueue('regex');
    const ds = await ctx.client.enqueue(queue, ['job_body_1', 'job_body_2', 'job_body_11'].map((body) => ({ body })));
    const response = await ctx.client.scan({ queue, state: JobState.PENDING, bodyRegex: 'job_body_1.*' });
    expect(response.scannedJobs.map((j) => j.jobDescriptor).sort()).toEqual([ds[0], ds[2]].sort());
  });

  it('accepts continuation "0" (CONTINUATION_START) and answers continuation "-1"', async () => {
    const queue = await ctx.newQueue('cont');
    await enqueueN(ctx.client, queue, 2);
    const response = await ctx.client.scan({ queue, state: JobState.PENDING, continuation: '0' });
    expect(response.scannedJobs).toHaveLength(2);
    expect(response.continuation).toBe('-1');
  });

  it.each(['-1', '1', '', '00', 'abc'])('rejects continuation %j with CONTINUATION_INVALID', async (continuation) => {
    const queue = await ctx.newQueue('badcont');
    await expectPinLaterError(ctx.client.scan({ queue, state: JobState.PENDING, continuation }), ErrorCode.CONTINUATION_INVALID);
  });

  it('an empty result is an empty list with continuation "-1"', async () => {
    const queue = await ctx.newQueue('empty');
    expect(await ctx.client.scan({ queue, state: JobState.FAILED })).toEqual({ scannedJobs: [], continuation: '-1' });
  });

  it('a queue that does not exist follows the missingQueue trait (strict: UNKNOWN; lenient: empty)', async () => {
    const call = ctx.client.scan({ queue: ctx.queueName('gone'), state: JobState.PENDING });
    if (ctx.traits.missingQueue === 'strict') await expectPinLaterError(call, ErrorCode.UNKNOWN);
    else expect((await call).scannedJobs).toEqual([]);
  });
});
