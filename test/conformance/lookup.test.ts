/** lookupJobs (FACTS §3.8, §4.1, §11.5). */
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { enqueueN, expectServerTime } from './harness/job-helpers';
import { ErrorCode, claimDescriptorPattern, expectPinLaterError, parseWireDescriptor } from './harness/wire-expectations';

describeConformance('lookupJobs', (ctx) => {
  it('returns every requested job keyed by its descriptor, with all required fields', async () => {
    const queue = await ctx.newQueue('all');
    const before = Date.now();
    const ds = await ctx.client.enqueue(queue, [
      { body: 'one', customStatus: 'c1', attemptsAllowed: 3 },
      { body: 'two', priority: 2 },
    ]);
    const after = Date.now();
    const infos = await ctx.client.lookup(ds);
    expect(Object.keys(infos).sort()).toEqual([...ds].sort());
    expect(infos[ds[0] as string]).toMatchObject({
      jobDescriptor: ds[0], jobState: JobState.PENDING, attemptsAllowed: 3, attemptsRemaining: 3, customStatus: 'c1', body: null, claimDescriptor: null,
    });
    expect(infos[ds[1] as string]).toMatchObject({ jobDescriptor: ds[1], attemptsAllowed: 2, customStatus: '' });
    for (const d of ds) {
      expectServerTime(infos[d]?.createdAtTimestampMillis ?? null, before, after, ctx.traits);
      expect(infos[d]?.runAfterTimestampMillis).not.toBeNull();
      expect(infos[d]?.updatedAtTimestampMillis).not.toBeNull();
    }
  });

  it('includes the body only when includeBody is set', async () => {
    const queue = await ctx.newQueue('body');
    const [d] = await ctx.client.enqueue(queue, [{ body: 'the body' }]);
    expect((await ctx.client.lookupOne(d as string, false))?.body).toBeNull();
    expect((await ctx.client.lookupOne(d as string, true))?.body?.toString()).toBe('the body');
  });

  it('omits well-formed descriptors of jobs that do not exist and returns the rest', async () => {
    const queue = await ctx.newQueue('absent');
    const [d] = await enqueueN(ctx.client, queue, 1);
    const ghost = (d as string).replace(/:\d+$/, ':999999999');
    const otherPriority = (d as string).replace(/:p1:/, ':p3:');
    const infos = await ctx.client.lookup([d as string, ghost, otherPriority]);
    expect(Object.keys(infos)).toEqual([d]);
  });

  it('keys the map by the descriptor exactly as sent; jobInfo.jobDescriptor is canonical', async () => {
    const queue = await ctx.newQueue('askey');
    const [d] = await enqueueN(ctx.client, queue, 1);
    const { shard, priority, localId } = parseWireDescriptor(d as string);
    // PinLater's parser drops the first character of the shard and priority tokens whatever it is,
    // and parses numbers with Integer/Long.parseLong (leading zeros and '+' accepted).
    const variants = [`${queue}:x${shard}:p0${priority}:00${localId}`, `${queue}:s${shard}:q${priority}:+${localId}`];
    const infos = await ctx.client.lookup(variants);
    expect(Object.keys(infos).sort()).toEqual([...variants].sort());
    for (const v of variants) expect(infos[v]?.jobDescriptor).toBe(d);
  });

  it.each([
    ['no colons', 'garbage'],
    ['three tokens', 'q:s1:p1'],
    ['five tokens', 'q:s1:p1:1:2'],
    ['a non-numeric priority', 'q:s1:pX:1'],
    ['a non-numeric id', 'q:s1:p1:abc'],
  ])('fails the whole call with UNKNOWN for a malformed descriptor (%s), even beside valid ones', async (_what, bad) => {
    const queue = await ctx.newQueue('bad');
    const [d] = await enqueueN(ctx.client, queue, 1);
    await expectPinLaterError(ctx.client.lookup([d as string, bad]), ErrorCode.UNKNOWN);
  });

  it('fails with UNKNOWN for a descriptor naming a shard the backend does not have', async () => {
    const queue = await ctx.newQueue('noshard');
    await expectPinLaterError(ctx.client.lookup([`${queue}:snosuchshard:p1:1`]), ErrorCode.UNKNOWN);
  });

  it('shows IN_PROGRESS with the claim descriptor <host>:<port>:<start>:<source>:<n> after a dequeue', async () => {
    const queue = await ctx.newQueue('claimed');
    const worker = await ctx.connect('lookup-worker');
    const [d] = await enqueueN(ctx.client, queue, 1);
    await worker.dequeue({ queue, limit: 1 });
    const info = await ctx.client.lookupOne(d as string);
    expect(info?.jobState).toBe(JobState.IN_PROGRESS);
    expect(info?.claimDescriptor).toMatch(claimDescriptorPattern(ctx.address.port, 'lookup-worker'));
  });

  it('an empty request returns an empty map', async () => {
    expect(await ctx.client.lookup([])).toEqual({});
  });

  it('a descriptor of a queue that does not exist follows the missingQueue trait (strict: UNKNOWN; lenient: omitted)', async () => {
    const queue = await ctx.newQueue('real');
    const [d] = await enqueueN(ctx.client, queue, 1);
    const missing = (d as string).replace(/^[^:]+:/, `${ctx.queueName('gone')}:`);
    const call = ctx.client.lookup([missing]);
    if (ctx.traits.missingQueue === 'strict') await expectPinLaterError(call, ErrorCode.UNKNOWN);
    else expect(await call).toEqual({});
  });
});
