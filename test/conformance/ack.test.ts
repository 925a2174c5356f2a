/** ackDequeuedJobs (FACTS §3.8, §5.5, §6.4, §11.6–§11.8). */
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { enqueueAndClaim, enqueueN, expectServerTime } from './harness/job-helpers';
import { ErrorCode, expectPinLaterError } from './harness/wire-expectations';

describeConformance('ackDequeuedJobs', (ctx) => {
  const one = (ds: string[]): string => ds[0] as string;

  it('success: the job becomes SUCCEEDED and is not handed out again', async () => {
    const queue = await ctx.newQueue('ok');
    const d = one(await enqueueAndClaim(ctx.client, queue, 1));
    await ctx.client.ack({ queue, succeeded: [{ descriptor: d }] });
    expect(await ctx.client.lookupOne(d)).toMatchObject({ jobState: JobState.SUCCEEDED, attemptsRemaining: 2 });
    expect((await ctx.client.dequeue({ queue, limit: 5 })).jobs).toBeNull();
    expect(await ctx.client.count({ queue, state: JobState.SUCCEEDED })).toBe(1);
    expect(await ctx.client.count({ queue, state: JobState.IN_PROGRESS })).toBe(0);
  });

  it('success with appendCustomStatus follows the trait (MySQL appends, Redis overwrites)', async () => {
    const queue = await ctx.newQueue('status');
    const d = one(await enqueueAndClaim(ctx.client, queue, 1, { customStatus: 'base;' }));
    await ctx.client.ack({ queue, succeeded: [{ descriptor: d, appendCustomStatus: 'done' }] });
    const expected = ctx.traits.ackCustomStatus === 'append' ? 'base;done' : 'done';
    expect((await ctx.client.lookupOne(d))?.customStatus).toBe(expected);
  });

  it('the default appendCustomStatus "" keeps (append) or clears (overwrite) the status', async () => {
    const queue = await ctx.newQueue('status0');
    const d = one(await enqueueAndClaim(ctx.client, queue, 1, { customStatus: 'kept?' }));
    await ctx.client.ack({ queue, succeeded: [{ descriptor: d }] });
    expect((await ctx.client.lookupOne(d))?.customStatus).toBe(ctx.traits.ackCustomStatus === 'append' ? 'kept?' : '');
  });

  it('failure with attempts left: back to PENDING, one attempt consumed, claim cleared, due at once', async () => {
    const queue = await ctx.newQueue('retry');
    const d = one(await enqueueAndClaim(ctx.client, queue, 1, { attemptsAllowed: 3, customStatus: 's;' }));
    await ctx.client.ack({ queue, failed: [{ descriptor: d, appendCustomStatus: 'boom' }] });
    const info = await ctx.client.lookupOne(d);
    expect(info).toMatchObject({ jobState: JobState.PENDING, attemptsAllowed: 3, attemptsRemaining: 2, claimDescriptor: null });
    expect(info?.customStatus).toBe(ctx.traits.ackCustomStatus === 'append' ? 's;boom' : 'boom');
    const again = await ctx.client.dequeue({ queue, limit: 1 });
    expect(again.jobMetadata?.[d]).toEqual({ attemptsAllowed: 3, attemptsRemaining: 2 });
  });

  it('failure with retryDelayMillis: pending with runAfter = now + delay, not handed out before', async () => {
    const queue = await ctx.newQueue('delay');
    const d = one(await enqueueAndClaim(ctx.client, queue, 1));
    const before = Date.now();
    await ctx.client.ack({ queue, failed: [{ descriptor: d, retryDelayMs: 60_000 }] });
    const after = Date.now();
    const info = await ctx.client.lookupOne(d);
    expect(info?.jobState).toBe(JobState.PENDING);
    expectServerTime(info?.runAfterTimestampMillis ?? null, before + 60_000, after + 60_000, ctx.traits);
    expect((await ctx.client.dequeue({ queue, limit: 1 })).jobs).toBeNull();
    expect(await ctx.client.count({ queue, state: JobState.PENDING, future: true })).toBe(1);
    expect(await ctx.client.count({ queue, state: JobState.PENDING })).toBe(0);
  });

  it('failure on the last attempt: FAILED with 0 attempts remaining', async () => {
    const queue = await ctx.newQueue('exhaust1');
    const d = one(await enqueueAndClaim(ctx.client, queue, 1, { attemptsAllowed: 1 }));
    await ctx.client.ack({ queue, failed: [{ descriptor: d, retryDelayMs: 0 }] });
    expect(await ctx.client.lookupOne(d)).toMatchObject({ jobState: JobState.FAILED, attemptsAllowed: 1, attemptsRemaining: 0 });
    expect((await ctx.client.dequeue({ queue, limit: 1 })).jobs).toBeNull();
    expect(await ctx.client.count({ queue, state: JobState.FAILED })).toBe(1);
  });

  it('two attempts: fail, retry, fail → FAILED', async () => {
    const queue = await ctx.newQueue('exhaust2');
    const d = one(await enqueueAndClaim(ctx.client, queue, 1));
    await ctx.client.ack({ queue, failed: [{ descriptor: d }] });
    expect(Object.keys((await ctx.client.dequeue({ queue, limit: 1 })).jobs ?? {})).toEqual([d]);
    await ctx.client.ack({ queue, failed: [{ descriptor: d }] });
    expect(await ctx.client.lookupOne(d)).toMatchObject({ jobState: JobState.FAILED, attemptsRemaining: 0 });
  });

  it('acks many jobs of both kinds in one call', async () => {
    const queue = await ctx.newQueue('many');
    const ds = await enqueueAndClaim(ctx.client, queue, 12, { attemptsAllowed: 1 });
    await ctx.client.ack({
      queue,
      succeeded: ds.slice(0, 7).map((descriptor) => ({ descriptor })),
      failed: ds.slice(7).map((descriptor) => ({ descriptor })),
    });
    expect(await ctx.client.count({ queue, state: JobState.SUCCEEDED })).toBe(7);
    expect(await ctx.client.count({ queue, state: JobState.FAILED })).toBe(5);
  });

  it('truncation of an appended status keeps the head (append trait); an overwrite is cut to the limit', async () => {
    const queue = await ctx.newQueue('trunc');
    const d = one(await enqueueAndClaim(ctx.client, queue, 1, { customStatus: '*' }));
    await ctx.client.ack({ queue, succeeded: [{ descriptor: d, appendCustomStatus: '-'.repeat(6000) }] });
    const limit = ctx.traits.customStatusLimit;
    const expected = ctx.traits.ackCustomStatus === 'append' ? `*${'-'.repeat(limit - 1)}` : '-'.repeat(limit);
    expect((await ctx.client.lookupOne(d))?.customStatus).toBe(expected);
  });

  it.each([
    ['a malformed descriptor', (d: string) => d.replace(/:\d+$/, ':notanumber')],
    ['a shard the backend does not have', (d: string) => d.replace(/:s[^:]+:/, ':snosuchshard:')],
  ])('fails with UNKNOWN for %s', async (_what, mangle) => {
    const queue = await ctx.newQueue('badack');
    const d = one(await enqueueAndClaim(ctx.client, queue, 1));
    await expectPinLaterError(ctx.client.ack({ queue, succeeded: [{ descriptor: mangle(d) }] }), ErrorCode.UNKNOWN);
    await expectPinLaterError(ctx.client.ack({ queue, failed: [{ descriptor: mangle(d) }] }), ErrorCode.UNKNOWN);
    expect((await ctx.client.lookupOne(d))?.jobState).toBe(JobState.IN_PROGRESS);
  });

  it('empty or absent ack lists are a successful no-op: no job changes state', async () => {
    const queue = await ctx.newQueue('noop');
    const claimed = one(await enqueueAndClaim(ctx.client, queue, 1, { customStatus: 'c' }));
    const pending = one(await enqueueN(ctx.client, queue, 1, 'waiting', { customStatus: 'p' }));
    await ctx.client.ack({ queue });
    await ctx.client.ack({ queue, succeeded: [], failed: [] });
    expect(await ctx.client.lookupOne(claimed)).toMatchObject({ jobState: JobState.IN_PROGRESS, attemptsRemaining: 2, customStatus: 'c' });
    expect(await ctx.client.lookupOne(pending)).toMatchObject({ jobState: JobState.PENDING, attemptsRemaining: 2, customStatus: 'p' });
    const counts = await Promise.all(
      [JobState.PENDING, JobState.IN_PROGRESS, JobState.SUCCEEDED, JobState.FAILED].map((state) => ctx.client.count({ queue, state })),
    );
    expect(counts).toEqual([1, 1, 0, 0]);
  });

  it('a well-formed descriptor of a job that does not exist is a silent no-op', async () => {
    const queue = await ctx.newQueue('unknown');
    const real = one(await enqueueN(ctx.client, queue, 1));
    const ghost = real.replace(/:\d+$/, ':987654321');
    await ctx.client.ack({ queue, succeeded: [{ descriptor: ghost }], failed: [{ descriptor: ghost }] });
    expect(await ctx.client.lookupOne(ghost)).toBeUndefined();
    expect((await ctx.client.lookupOne(real))?.jobState).toBe(JobState.PENDING);
  });

  it('a repeated success ack follows the trait (MySQL appends the status again; Redis ignores it)', async () => {
    const queue = await ctx.newQueue('twice');
    const d = one(await enqueueAndClaim(ctx.client, queue, 1));
    await ctx.client.ack({ queue, succeeded: [{ descriptor: d, appendCustomStatus: 'x' }] });
    await ctx.client.ack({ queue, succeeded: [{ descriptor: d, appendCustomStatus: 'y' }] });
    const info = await ctx.client.lookupOne(d);
    expect(info?.jobState).toBe(JobState.SUCCEEDED);
    expect(info?.customStatus).toBe(ctx.traits.successAckOfUnclaimedJob === 'applies' ? 'xy' : 'x');
  });

  it('a success ack of a PENDING job follows the trait (MySQL: SUCCEEDED; Redis: no-op)', async () => {
    const queue = await ctx.newQueue('pendok');
    const d = one(await enqueueN(ctx.client, queue, 1));
    await ctx.client.ack({ queue, succeeded: [{ descriptor: d }] });
    const expected = ctx.traits.successAckOfUnclaimedJob === 'applies' ? JobState.SUCCEEDED : JobState.PENDING;
    expect((await ctx.client.lookupOne(d))?.jobState).toBe(expected);
  });

  it('a failure ack of a job that is not IN_PROGRESS is a no-op (pending and succeeded)', async () => {
    const queue = await ctx.newQueue('pendfail');
    const done = one(await enqueueAndClaim(ctx.client, queue, 1));
    const [pending] = await enqueueN(ctx.client, queue, 1, 'pending', { customStatus: 'p' });
    await ctx.client.ack({ queue, succeeded: [{ descriptor: done }] });
    await ctx.client.ack({ queue, failed: [{ descriptor: pending as string, appendCustomStatus: 'f' }, { descriptor: done }] });
    expect(await ctx.client.lookupOne(pending as string)).toMatchObject({ jobState: JobState.PENDING, attemptsRemaining: 2, customStatus: 'p' });
    expect(await ctx.client.lookupOne(done)).toMatchObject({ jobState: JobState.SUCCEEDED, attemptsRemaining: 2 });
  });

  // Deviation (docs/compatibility.md "Gateway: a descriptor of another queue is ignored in acks and
  // checkpoints"): PinLater combined the request's queue with the descriptor's shard, priority and
  // id, so this ack succeeded the job; the gateway ignores an item whose descriptor names another queue.
  it("ignores an ack whose descriptor names another queue than the request's", async () => {
    const queue = await ctx.newQueue('token');
    const d = one(await enqueueAndClaim(ctx.client, queue, 1));
    const foreign = d.replace(/^[^:]+:/, 'someotherqueue:');
    await ctx.client.ack({ queue, succeeded: [{ descriptor: foreign }] });
    expect((await ctx.client.lookupOne(d))?.jobState).toBe(JobState.IN_PROGRESS);
    await ctx.client.ack({ queue, succeeded: [{ descriptor: d }] });
    expect((await ctx.client.lookupOne(d))?.jobState).toBe(JobState.SUCCEEDED);
  });

  it('does not check the claim: any client can ack any claimed job', async () => {
    const queue = await ctx.newQueue('anyone');
    const worker = await ctx.connect('worker-one');
    const other = await ctx.connect('worker-two');
    const [d] = await enqueueN(ctx.client, queue, 1);
    await worker.dequeue({ queue, limit: 1 });
    await other.ack({ queue, succeeded: [{ descriptor: d as string }] });
    expect((await ctx.client.lookupOne(d as string))?.jobState).toBe(JobState.SUCCEEDED);
  });

  it('negative retry delays are accepted (due at once)', async () => {
    const queue = await ctx.newQueue('negdelay');
    const d = one(await enqueueAndClaim(ctx.client, queue, 1));
    await ctx.client.ack({ queue, failed: [{ descriptor: d, retryDelayMs: -5000 }] });
    expect(Object.keys((await ctx.client.dequeue({ queue, limit: 1 })).jobs ?? {})).toEqual([d]);
  });

  it('a queue that does not exist follows the missingQueue trait (strict: QUEUE_NOT_FOUND; lenient: no-op)', async () => {
    const queue = await ctx.newQueue('exists');
    const d = one(await enqueueN(ctx.client, queue, 1));
    const missing = ctx.queueName('gone');
    const ghost = d.replace(/^[^:]+:/, `${missing}:`);
    for (const kind of ['succeeded', 'failed'] as const) {
      const call = ctx.client.ack({ queue: missing, [kind]: [{ descriptor: ghost }] });
      if (ctx.traits.missingQueue === 'strict') await expectPinLaterError(call, ErrorCode.QUEUE_NOT_FOUND);
      else await call;
    }
    // Either way the ack touched nothing: the queue was not created and the real job is unchanged.
    expect(await ctx.client.queueNames()).not.toContain(missing);
    expect(await ctx.client.lookupOne(d)).toMatchObject({ jobState: JobState.PENDING, attemptsRemaining: 2 });
    if (ctx.traits.missingQueue === 'lenient') {
      // Lenient: the missing queue reads as empty, so the no-op left no job behind in it.
      expect(await ctx.client.lookupOne(ghost)).toBeUndefined();
      expect(await ctx.client.count({ queue: missing, state: JobState.SUCCEEDED })).toBe(0);
      expect(await ctx.client.count({ queue: missing, state: JobState.FAILED })).toBe(0);
    }
  });
});
