/** getJobCount (FACTS §5.5 count, §6.4 count, §11.26, §11.27). */
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { enqueueAndClaim, enqueueN } from './harness/job-helpers';
import { ErrorCode, expectPinLaterError } from './harness/wire-expectations';

describeConformance('getJobCount', (ctx) => {
  it('counts per state', async () => {
    const queue = await ctx.newQueue('states');
    const claimed = await enqueueAndClaim(ctx.client, queue, 6, { attemptsAllowed: 1 });
    await enqueueN(ctx.client, queue, 4, 'waiting');
    await ctx.client.ack({ queue, succeeded: claimed.slice(0, 2).map((descriptor) => ({ descriptor })), failed: [{ descriptor: claimed[2] as string }] });
    const counts = await Promise.all([JobState.PENDING, JobState.IN_PROGRESS, JobState.SUCCEEDED, JobState.FAILED].map((state) => ctx.client.count({ queue, state })));
    expect(counts).toEqual([4, 3, 2, 1]);
  });

  it('filters by priority; without a priority it sums all levels', async () => {
    const queue = await ctx.newQueue('prio');
    await ctx.client.enqueue(queue, [1, 1, 2, 3, 3, 3].map((priority, i) => ({ body: `b${i}`, priority })));
    const c = (priority?: number): Promise<number> => ctx.client.count({ queue, state: JobState.PENDING, ...(priority === undefined ? {} : { priority }) });
    expect([await c(1), await c(2), await c(3), await c()]).toEqual([2, 1, 3, 6]);
  });

  it('countFutureJobs counts only jobs not yet due; the default counts only due jobs', async () => {
    const queue = await ctx.newQueue('future');
    await enqueueN(ctx.client, queue, 3, 'due', { runAfterMs: Date.now() - 60_000 });
    await enqueueN(ctx.client, queue, 2, 'later', { runAfterMs: Date.now() + 3_600_000 });
    expect(await ctx.client.count({ queue, state: JobState.PENDING })).toBe(3);
    expect(await ctx.client.count({ queue, state: JobState.PENDING, future: false })).toBe(3);
    expect(await ctx.client.count({ queue, state: JobState.PENDING, future: true })).toBe(2);
  });

  it('bodyRegexToMatch with a pattern valid in both dialects (`job_body_1.*`)', async () => {
    const queue = await ctx.newQueue('regex');
    await ctx.client.enqueue(queue, ['job_body_1', 'job_body_10', 'job_body_2', 'other_job_body_1x', 'nothing'].map((body) => ({ body })));
    // Unanchored search in both dialects: 'other_job_body_1x' matches too.
    expect(await ctx.client.count({ queue, state: JobState.PENDING, bodyRegex: 'job_body_1.*' })).toBe(3);
    expect(await ctx.client.count({ queue, state: JobState.PENDING, bodyRegex: '.*body.*' })).toBe(4);
    expect(await ctx.client.count({ queue, state: JobState.PENDING, bodyRegex: '^job_body_1' })).toBe(2);
  });

  it("bodyRegexToMatch in the backend's own dialect (Lua pattern vs POSIX ERE)", async () => {
    const queue = await ctx.newQueue('dialect');
    await ctx.client.enqueue(queue, ['id-12', 'id-345', 'id-x', 'ID-9'].map((body) => ({ body })));
    const digits = ctx.traits.regexDialect === 'lua' ? '^id%-%d+$' : '^id-[0-9]+$';
    expect(await ctx.client.count({ queue, state: JobState.PENDING, bodyRegex: digits })).toBe(2);
  });

  it('an empty bodyRegexToMatch matches every job', async () => {
    const queue = await ctx.newQueue('emptyre');
    await enqueueN(ctx.client, queue, 3);
    expect(await ctx.client.count({ queue, state: JobState.PENDING, bodyRegex: '' })).toBe(3);
  });

  it('counts zero for an existing empty queue', async () => {
    const queue = await ctx.newQueue('zero');
    expect(await ctx.client.count({ queue, state: JobState.FAILED })).toBe(0);
  });

  it('a queue that does not exist follows the missingQueue trait (strict: UNKNOWN; lenient: 0)', async () => {
    const call = ctx.client.count({ queue: ctx.queueName('gone'), state: JobState.PENDING });
    if (ctx.traits.missingQueue === 'strict') await expectPinLaterError(call, ErrorCode.UNKNOWN);
    else expect(await call).toBe(0);
  });
});
