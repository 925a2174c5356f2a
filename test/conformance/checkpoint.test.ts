/** checkpointJobs (FACTS §5.5 checkpoint, §6.4 checkpoint, §6.5, §11.13). */
import { eventually } from '../support/eventually';
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { enqueueN, expectServerTime, halfSecondInstant, reported } from './harness/job-helpers';
import { ErrorCode, expectPinLaterError } from './harness/wire-expectations';

const SOURCE = 'pool-3:worker-a.b';

describeConformance('checkpointJobs', (ctx) => {
  /** Enqueues one job and claims it with SOURCE; returns its descriptor. */
  async function claimed(queue: string, fields: { attemptsAllowed?: number; customStatus?: string } = {}): Promise<string> {
    const [d] = await ctx.client.enqueue(queue, [{ body: 'original', ...fields }]);
    const worker = await worker$();
    expect(Object.keys((await worker.dequeue({ queue, limit: 1 })).jobs ?? {})).toEqual([d]);
    return d as string;
  }
  let workerClient: Awaited<ReturnType<typeof ctx.connect>> | undefined;
  const worker$ = async () => (workerClient ??= await ctx.connect(SOURCE));

  it('moveToPending with the claiming source: PENDING, claim cleared, handed out again', async () => {
    const queue = await ctx.newQueue('move');
    const d = await claimed(queue);
    await ctx.client.checkpoint(queue, [{ descriptor: d, moveToPending: true }], SOURCE);
    expect(await ctx.client.lookupOne(d)).toMatchObject({ jobState: JobState.PENDING, claimDescriptor: null, attemptsRemaining: 2 });
    expect(Object.keys((await ctx.client.dequeue({ queue, limit: 1 })).jobs ?? {})).toEqual([d]);
  });

  it('matches the claim by substring of the source (a part of the claiming source is enough)', async () => {
    const queue = await ctx.newQueue('substr');
    const d = await claimed(queue);
    await ctx.client.checkpoint(queue, [{ descriptor: d, moveToPending: true }], 'worker-a');
    expect((await ctx.client.lookupOne(d))?.jobState).toBe(JobState.PENDING);
  });

  it('is a silent no-op when the source is not part of the claim', async () => {
    const queue = await ctx.newQueue('other');
    const d = await claimed(queue, { customStatus: 'st' });
    await ctx.client.checkpoint(
      queue,
      [{ descriptor: d, moveToPending: true, newBody: 'stolen', attemptsAllowed: 9, prependCustomStatus: 'x' }],
      'someone-else',
    );
    const info = await ctx.client.lookupOne(d, true);
    expect(info).toMatchObject({ jobState: JobState.IN_PROGRESS, attemptsAllowed: 2, attemptsRemaining: 2, customStatus: 'st' });
    expect(info?.body?.toString()).toBe('original');
    expect(info?.claimDescriptor).toContain(SOURCE);
  });

  it('replaces the body, resets attempts, prepends the status', async () => {
    const queue = await ctx.newQueue('fields');
    const d = await claimed(queue, { attemptsAllowed: 3, customStatus: 'base' });
    await ctx.client.checkpoint(queue, [{ descriptor: d, newBody: 'new body \u2713', attemptsAllowed: 6, prependCustomStatus: 'pre:' }], SOURCE);
    const info = await ctx.client.lookupOne(d, true);
    expect(info).toMatchObject({ jobState: JobState.IN_PROGRESS, attemptsAllowed: 6, attemptsRemaining: 6, customStatus: 'pre:base' });
    expect(info?.body?.toString('utf8')).toBe('new body \u2713');
    expect(info?.claimDescriptor).toContain(SOURCE);
  });

  it('without moveToPending the job stays IN_PROGRESS with its runAfter re-stamped to now (a heartbeat)', async () => {
    const queue = await ctx.newQueue('beat');
    const d = await claimed(queue);
    const before = Date.now();
    await ctx.client.checkpoint(queue, [{ descriptor: d }], SOURCE);
    const info = await ctx.client.lookupOne(d);
    expect(info?.jobState).toBe(JobState.IN_PROGRESS);
    expectServerTime(info?.runAfterTimestampMillis ?? null, before, Date.now(), ctx.traits);
    expect((await ctx.client.dequeue({ queue, limit: 1 })).jobs).toBeNull();
  });

  it('moveToPending with a future runAfter: pending but not due until then', async () => {
    const queue = await ctx.newQueue('later');
    const d = await claimed(queue);
    const runAfter = halfSecondInstant(3_600_000);
    await ctx.client.checkpoint(queue, [{ descriptor: d, moveToPending: true, runAfterMs: runAfter }], SOURCE);
    expect(await ctx.client.lookupOne(d)).toMatchObject({ jobState: JobState.PENDING, runAfterTimestampMillis: reported(runAfter, ctx.traits) });
    expect((await ctx.client.dequeue({ queue, limit: 1 })).jobs).toBeNull();
    expect(await ctx.client.count({ queue, state: JobState.PENDING, future: true })).toBe(1);
  });

  it('moveToPending with a near runAfter becomes due by itself', async () => {
    const queue = await ctx.newQueue('soon');
    const d = await claimed(queue);
    await ctx.client.checkpoint(queue, [{ descriptor: d, moveToPending: true, runAfterMs: Date.now() + 1200 }], SOURCE);
    expect((await ctx.client.dequeue({ queue, limit: 1 })).jobs).toBeNull();
    await eventually(async () => {
      expect(Object.keys((await ctx.client.dequeue({ queue, limit: 1 })).jobs ?? {})).toEqual([d]);
    }, { timeoutMs: 5000, intervalMs: 100 });
  });

  it('does not consume attempts', async () => {
    const queue = await ctx.newQueue('attempts');
    const d = await claimed(queue, { attemptsAllowed: 4 });
    await ctx.client.checkpoint(queue, [{ descriptor: d, moveToPending: true }], SOURCE);
    expect((await ctx.client.lookupOne(d))?.attemptsRemaining).toBe(4);
  });

  it('checkpoints several jobs in one call; an empty list is a no-op success', async () => {
    const queue = await ctx.newQueue('batch');
    const ds = await enqueueN(ctx.client, queue, 5);
    await (await worker$()).dequeue({ queue, limit: 5 });
    await ctx.client.checkpoint(queue, ds.map((descriptor) => ({ descriptor, moveToPending: true })), SOURCE);
    expect(await ctx.client.count({ queue, state: JobState.PENDING })).toBe(5);
    await ctx.client.checkpoint(queue, [], SOURCE);
  });

  it('a pending (never claimed) job is not touched', async () => {
    const queue = await ctx.newQueue('unclaimed');
    const [d] = await enqueueN(ctx.client, queue, 1);
    await ctx.client.checkpoint(queue, [{ descriptor: d as string, newBody: 'changed', attemptsAllowed: 9 }], SOURCE);
    const info = await ctx.client.lookupOne(d as string, true);
    expect(info).toMatchObject({ jobState: JobState.PENDING, attemptsAllowed: 2 });
    expect(info?.body?.toString()).toBe('job0');
  });

  it('a finished job still carrying the claim follows the trait (MySQL: no-op; Redis: re-queued)', async () => {
    const queue = await ctx.newQueue('finished');
    const d = await claimed(queue);
    await ctx.client.ack({ queue, succeeded: [{ descriptor: d }] });
    await ctx.client.checkpoint(queue, [{ descriptor: d, moveToPending: true }], SOURCE);
    const info = await ctx.client.lookupOne(d);
    if (ctx.traits.checkpointOfFinishedJob === 'noop') {
      expect(info?.jobState).toBe(JobState.SUCCEEDED);
      expect((await ctx.client.dequeue({ queue, limit: 1 })).jobs).toBeNull();
    } else {
      expect(info?.jobState).toBe(JobState.PENDING);
      expect(Object.keys((await ctx.client.dequeue({ queue, limit: 1 })).jobs ?? {})).toEqual([d]);
    }
  });

  it('fails with UNKNOWN for a malformed descriptor or an unknown shard', async () => {
    const queue = await ctx.newQueue('badcp');
    const d = await claimed(queue);
    for (const bad of [d.replace(/:\d+$/, ':x'), d.replace(/:s[^:]+:/, ':snosuchshard:')]) {
      await expectPinLaterError(ctx.client.checkpoint(queue, [{ descriptor: bad, moveToPending: true }], SOURCE), ErrorCode.UNKNOWN);
    }
    expect((await ctx.client.lookupOne(d))?.jobState).toBe(JobState.IN_PROGRESS);
  });

  it('a queue that does not exist follows the missingQueue trait (strict: QUEUE_NOT_FOUND; lenient: no-op)', async () => {
    const queue = await ctx.newQueue('real');
    const [d] = await enqueueN(ctx.client, queue, 1);
    const missing = ctx.queueName('gone');
    const call = ctx.client.checkpoint(missing, [{ descriptor: (d as string).replace(/^[^:]+:/, `${missing}:`), moveToPending: true }], SOURCE);
    if (ctx.traits.missingQueue === 'strict') await expectPinLaterError(call, ErrorCode.QUEUE_NOT_FOUND);
    else await call;
  });
});
