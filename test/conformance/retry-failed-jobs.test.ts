/** retryFailedJobs (FACTS §3.8, §5.5 retry, §6.4 RETRY_JOBS). */
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { enqueueAndClaim, expectServerTime, halfSecondInstant, reported } from './harness/job-helpers';
import { ErrorCode, expectPinLaterError } from './harness/wire-expectations';

describeConformance('retryFailedJobs', (ctx) => {
  /** `n` FAILED jobs (1 attempt, claimed, failure-acked) of `priority`. */
  async function failed(queue: string, n: number, priority = 1): Promise<string[]> {
    const ds = await enqueueAndClaim(ctx.client, queue, n, { attemptsAllowed: 1, priority });
    await ctx.client.ack({ queue, failed: ds.map((descriptor) => ({ descriptor })) });
    expect(await ctx.client.count({ queue, state: JobState.FAILED, priority })).toBe(n);
    return ds;
  }

  it('moves failed jobs back to PENDING with attemptsToAllow (default 1), due now; attemptsAllowed unchanged', async () => {
    const queue = await ctx.newQueue('basic');
    const ds = await failed(queue, 3);
    const before = Date.now();
    expect(await ctx.client.retryFailed({ queue })).toBe(3);
    const after = Date.now();
    const infos = await ctx.client.lookup(ds);
    for (const d of ds) {
      expect(infos[d]).toMatchObject({ jobState: JobState.PENDING, attemptsAllowed: 1, attemptsRemaining: 1 });
      expectServerTime(infos[d]?.runAfterTimestampMillis ?? null, before, after, ctx.traits);
    }
    expect(Object.keys((await ctx.client.dequeue({ queue, limit: 10 })).jobs ?? {}).sort()).toEqual([...ds].sort());
  });

  it('limit caps the number retried, over all shards', async () => {
    const queue = await ctx.newQueue('limit');
    await failed(queue, 7);
    expect(await ctx.client.retryFailed({ queue, limit: 3 })).toBe(3);
    expect(await ctx.client.count({ queue, state: JobState.FAILED })).toBe(4);
    expect(await ctx.client.count({ queue, state: JobState.PENDING })).toBe(3);
    expect(await ctx.client.retryFailed({ queue, limit: 100 })).toBe(4);
    expect(await ctx.client.retryFailed({ queue })).toBe(0);
  });

  it('attemptsToAllow sets attemptsRemaining', async () => {
    const queue = await ctx.newQueue('attempts');
    const [d] = await failed(queue, 1);
    expect(await ctx.client.retryFailed({ queue, attemptsToAllow: 5 })).toBe(1);
    expect(await ctx.client.lookupOne(d as string)).toMatchObject({ jobState: JobState.PENDING, attemptsAllowed: 1, attemptsRemaining: 5 });
  });

  it('runAfterTimestampMillis in the future: pending but not due', async () => {
    const queue = await ctx.newQueue('later');
    const [d] = await failed(queue, 1);
    const runAfter = halfSecondInstant(3_600_000);
    expect(await ctx.client.retryFailed({ queue, runAfterMs: runAfter })).toBe(1);
    expect(await ctx.client.lookupOne(d as string)).toMatchObject({ jobState: JobState.PENDING, runAfterTimestampMillis: reported(runAfter, ctx.traits) });
    expect((await ctx.client.dequeue({ queue, limit: 1 })).jobs).toBeNull();
    expect(await ctx.client.count({ queue, state: JobState.PENDING, future: true })).toBe(1);
  });

  it('works on one priority (default 1)', async () => {
    const queue = await ctx.newQueue('prio');
    await failed(queue, 2, 2);
    expect(await ctx.client.retryFailed({ queue })).toBe(0);
    expect(await ctx.client.retryFailed({ queue, priority: 2 })).toBe(2);
    expect(await ctx.client.count({ queue, state: JobState.PENDING, priority: 2 })).toBe(2);
  });

  it('returns 0 when nothing failed', async () => {
    const queue = await ctx.newQueue('none');
    expect(await ctx.client.retryFailed({ queue })).toBe(0);
  });

  it('a queue that does not exist follows the missingQueue trait (strict: UNKNOWN; lenient: 0)', async () => {
    const call = ctx.client.retryFailed({ queue: ctx.queueName('gone') });
    if (ctx.traits.missingQueue === 'strict') await expectPinLaterError(call, ErrorCode.UNKNOWN);
    else expect(await call).toBe(0);
  });
});
