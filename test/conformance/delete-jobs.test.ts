/** deleteJobs (FACTS §3.8, §5.5 delete, §6.4 DELETE_JOBS*). */
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { enqueueAndClaim, enqueueN } from './harness/job-helpers';
import { ErrorCode, expectPinLaterError } from './harness/wire-expectations';

describeConformance('deleteJobs', (ctx) => {
  it('deletes the jobs of one state (priority 1 by default) and returns how many', async () => {
    const queue = await ctx.newQueue('state');
    const claimed = await enqueueAndClaim(ctx.client, queue, 2);
    const pending = await enqueueN(ctx.client, queue, 4, 'p');
    expect(await ctx.client.count({ queue, state: JobState.PENDING })).toBe(4);
    expect(await ctx.client.deleteJobs({ queue, state: JobState.PENDING })).toBe(4);
    expect(await ctx.client.lookup(pending)).toEqual({});
    expect(Object.keys(await ctx.client.lookup(claimed)).sort()).toEqual([...claimed].sort());
    expect(await ctx.client.count({ queue, state: JobState.IN_PROGRESS })).toBe(2);
  });

  it('limit caps the number deleted, over all shards', async () => {
    const queue = await ctx.newQueue('limit');
    await enqueueN(ctx.client, queue, 9);
    expect(await ctx.client.deleteJobs({ queue, state: JobState.PENDING, limit: 4 })).toBe(4);
    expect(await ctx.client.count({ queue, state: JobState.PENDING })).toBe(5);
    expect(await ctx.client.deleteJobs({ queue, state: JobState.PENDING, limit: 100 })).toBe(5);
    expect(await ctx.client.deleteJobs({ queue, state: JobState.PENDING })).toBe(0);
  });

  it('deletes only bodies matching bodyRegexToMatch', async () => {
    const queue = await ctx.newQueue('regex');
    const ds = await ctx.client.enqueue(queue, ['job_body_1', 'job_body_2', 'job_body_13', 'keep'].map((body) => ({ body })));
    expect(await ctx.client.deleteJobs({ queue, state: JobState.PENDING, bodyRegex: 'job_body_1.*' })).toBe(2);
    expect(Object.keys(await ctx.client.lookup(ds)).sort()).toEqual([ds[1], ds[3]].sort());
  });

  it('works on one priority', async () => {
    const queue = await ctx.newQueue('prio');
    await enqueueN(ctx.client, queue, 2, 'two', { priority: 2 });
    await enqueueN(ctx.client, queue, 1, 'one', { priority: 1 });
    expect(await ctx.client.deleteJobs({ queue, state: JobState.PENDING, priority: 2 })).toBe(2);
    expect(await ctx.client.count({ queue, state: JobState.PENDING })).toBe(1);
  });

  it('deletes succeeded and failed jobs', async () => {
    const queue = await ctx.newQueue('done');
    const ds = await enqueueAndClaim(ctx.client, queue, 3, { attemptsAllowed: 1 });
    await ctx.client.ack({ queue, succeeded: [{ descriptor: ds[0] as string }], failed: ds.slice(1).map((descriptor) => ({ descriptor })) });
    expect(await ctx.client.deleteJobs({ queue, state: JobState.FAILED })).toBe(2);
    expect(await ctx.client.deleteJobs({ queue, state: JobState.SUCCEEDED })).toBe(1);
    expect(await ctx.client.lookup(ds)).toEqual({});
  });

  it('a queue that does not exist follows the missingQueue trait (strict: UNKNOWN; lenient: 0)', async () => {
    const call = ctx.client.deleteJobs({ queue: ctx.queueName('gone'), state: JobState.PENDING });
    if (ctx.traits.missingQueue === 'strict') await expectPinLaterError(call, ErrorCode.UNKNOWN);
    else expect(await call).toBe(0);
  });
});
