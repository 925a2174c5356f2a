/** dequeueJobs (FACTS §1.3 empty response, §3.6, §4.2, §11.2–§11.4). */
import { eventually } from '../support/eventually';
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { enqueueN } from './harness/job-helpers';
import {
  ApplicationExceptionType, ErrorCode, claimDescriptorPattern, descriptorsOf, expectApplicationError, expectPinLaterError,
  parseWireDescriptor,
} from './harness/wire-expectations';

describeConformance('dequeueJobs', (ctx) => {
  it('hands out at most `limit` jobs, each once, then an empty response', async () => {
    const queue = await ctx.newQueue('limit');
    const descriptors = await enqueueN(ctx.client, queue, 10);
    const first = await ctx.client.dequeue({ queue, limit: 4 });
    expect(descriptorsOf(first.jobs)).toHaveLength(4);
    const second = await ctx.client.dequeue({ queue, limit: 10 });
    expect(descriptorsOf(second.jobs)).toHaveLength(6);
    expect([...descriptorsOf(first.jobs), ...descriptorsOf(second.jobs)].sort()).toEqual([...descriptors].sort());
    const third = await ctx.client.dequeue({ queue, limit: 10 });
    expect(third).toEqual({ jobs: null, jobMetadata: null });
  });

  it('sends an empty result with BOTH optional maps absent (not empty maps)', async () => {
    const queue = await ctx.newQueue('emptyq');
    expect(await ctx.client.dequeue({ queue, limit: 3 })).toEqual({ jobs: null, jobMetadata: null });
    expect(await ctx.client.dequeue({ queue, limit: 3, dryRun: true })).toEqual({ jobs: null, jobMetadata: null });
  });

  it('returns bodies and metadata keyed by the same descriptors; claiming does not consume attempts', async () => {
    const queue = await ctx.newQueue('meta');
    const descriptors = await ctx.client.enqueue(queue, [
      { body: 'a', attemptsAllowed: 1 },
      { body: 'b', attemptsAllowed: 5 },
      { body: 'c' },
    ]);
    const response = await ctx.client.dequeue({ queue, limit: 10 });
    expect(descriptorsOf(response.jobMetadata)).toEqual(descriptorsOf(response.jobs));
    expect(descriptors.map((d) => response.jobs?.[d]?.toString())).toEqual(['a', 'b', 'c']);
    expect(descriptors.map((d) => response.jobMetadata?.[d])).toEqual([
      { attemptsAllowed: 1, attemptsRemaining: 1 },
      { attemptsAllowed: 5, attemptsRemaining: 5 },
      { attemptsAllowed: 2, attemptsRemaining: 2 },
    ]);
    const infos = await ctx.client.lookup(descriptors);
    expect(descriptors.map((d) => [infos[d]?.jobState, infos[d]?.attemptsRemaining])).toEqual([
      [JobState.IN_PROGRESS, 1], [JobState.IN_PROGRESS, 5], [JobState.IN_PROGRESS, 2],
    ]);
  });

  it('is priority-major across all shards: every priority-1 job before any priority-2 job', async () => {
    const queue = await ctx.newQueue('prio');
    await enqueueN(ctx.client, queue, 8, 'low', { priority: 3 });
    await enqueueN(ctx.client, queue, 8, 'mid', { priority: 2 });
    await enqueueN(ctx.client, queue, 8, 'high', { priority: 1 });
    const priorities = async (limit: number): Promise<number[]> => {
      const response = await ctx.client.dequeue({ queue, limit });
      return descriptorsOf(response.jobs).map((d) => parseWireDescriptor(d).priority);
    };
    expect(await priorities(8)).toEqual(Array(8).fill(1));
    expect((await priorities(10)).sort()).toEqual([...Array(8).fill(2), 3, 3]);
    expect(await priorities(10)).toEqual(Array(6).fill(3));
  });

  it('dryRun peeks without claiming: jobs stay PENDING and unclaimed, a real dequeue gets them', async () => {
    const queue = await ctx.newQueue('dry');
    const descriptors = await enqueueN(ctx.client, queue, 3, 'peek', { attemptsAllowed: 4 });
    const peek = await ctx.client.dequeue({ queue, limit: 10, dryRun: true });
    expect(descriptorsOf(peek.jobs)).toEqual([...descriptors].sort());
    expect(Object.values(peek.jobMetadata ?? {})).toEqual(Array(3).fill({ attemptsAllowed: 4, attemptsRemaining: 4 }));
    const again = await ctx.client.dequeue({ queue, limit: 10, dryRun: true });
    expect(descriptorsOf(again.jobs)).toEqual([...descriptors].sort());
    const infos = await ctx.client.lookup(descriptors);
    for (const d of descriptors) expect(infos[d]).toMatchObject({ jobState: JobState.PENDING, claimDescriptor: null });
    expect(await ctx.client.count({ queue, state: JobState.IN_PROGRESS })).toBe(0);
    expect(descriptorsOf((await ctx.client.dequeue({ queue, limit: 10 })).jobs)).toEqual([...descriptors].sort());
  });

  it('dryRun respects limit and priority order', async () => {
    const queue = await ctx.newQueue('drylim');
    await enqueueN(ctx.client, queue, 4, 'two', { priority: 2 });
    await enqueueN(ctx.client, queue, 2, 'one', { priority: 1 });
    const peek = await ctx.client.dequeue({ queue, limit: 3, dryRun: true });
    expect(descriptorsOf(peek.jobs).map((d) => parseWireDescriptor(d).priority).sort()).toEqual([1, 1, 2]);
  });

  it('coverage 0 visits no shard: empty response (maps absent) even with jobs available', async () => {
    const queue = await ctx.newQueue('cov0');
    await enqueueN(ctx.client, queue, 3);
    expect(await ctx.client.dequeue({ queue, limit: 10, coverage: 0 })).toEqual({ jobs: null, jobMetadata: null });
    expect(await ctx.client.count({ queue, state: JobState.PENDING })).toBe(3);
  });

  it('coverage 1.0 (the default) visits every shard', async () => {
    const queue = await ctx.newQueue('cov1');
    const descriptors = await enqueueN(ctx.client, queue, 12);
    expect(descriptorsOf((await ctx.client.dequeue({ queue, limit: 100, coverage: 1.0 })).jobs)).toEqual([...descriptors].sort());
  });

  it('coverage between 0 and 1 never hands out more than is pending', async () => {
    const queue = await ctx.newQueue('covhalf');
    const descriptors = await enqueueN(ctx.client, queue, 12);
    const got = descriptorsOf((await ctx.client.dequeue({ queue, limit: 100, coverage: 0.5 })).jobs);
    expect(got.length).toBeLessThanOrEqual(12);
    for (const d of got) expect(descriptors).toContain(d);
  });

  it.each([1.5, -0.5])('coverage %d is an error: PinLaterException UNKNOWN', async (coverage) => {
    const queue = await ctx.newQueue('covbad');
    await enqueueN(ctx.client, queue, 2);
    await expectPinLaterError(ctx.client.dequeue({ queue, limit: 5, coverage }), ErrorCode.UNKNOWN);
  });

  it.each([0, -1])('limit %d → TApplicationException INTERNAL_ERROR', async (limit) => {
    const queue = await ctx.newQueue('lim0');
    await expectApplicationError(ctx.client.dequeue({ queue, limit }), ApplicationExceptionType.INTERNAL_ERROR, /^Internal error processing dequeueJobs: /);
  });

  it('an empty queue name → TApplicationException INTERNAL_ERROR', async () => {
    await expectApplicationError(ctx.client.dequeue({ queue: '', limit: 1 }), ApplicationExceptionType.INTERNAL_ERROR);
  });

  it('records a claim descriptor <host>:<port>:<start>:<source>:<n>, shared by one request, n growing per request', async () => {
    const queue = await ctx.newQueue('claim');
    const worker = await ctx.connect('worker-7.example');
    const descriptors = await enqueueN(ctx.client, queue, 4);
    await worker.dequeue({ queue, limit: 3 });
    await worker.dequeue({ queue, limit: 3 });
    const infos = await ctx.client.lookup(descriptors);
    const claims = descriptors.map((d) => infos[d]?.claimDescriptor ?? '');
    const pattern = claimDescriptorPattern(ctx.address.port, 'worker-7.example');
    for (const c of claims) expect(c).toMatch(pattern);
    const distinct = [...new Set(claims)];
    expect(distinct).toHaveLength(2);
    const [n1, n2] = distinct.map((c) => Number(pattern.exec(c)?.[1])).sort((a, b) => a - b) as [number, number];
    expect(n2).toBeGreaterThan(n1);
    expect(claims.filter((c) => c === distinct[0]).length + claims.filter((c) => c === distinct[1]).length).toBe(4);
    const prefix = (c: string): string => c.split(':').slice(0, 3).join(':');
    expect(prefix(distinct[0] as string)).toBe(prefix(distinct[1] as string));
  });

  it('executes piggybacked acks (succeeded and failed) together with the dequeue', async () => {
    const queue = await ctx.newQueue('piggy');
    const [a, b] = await enqueueN(ctx.client, queue, 2, 'first');
    await ctx.client.dequeue({ queue, limit: 2 });
    const [c] = await enqueueN(ctx.client, queue, 1, 'second');
    const response = await ctx.client.dequeue({
      queue,
      limit: 5,
      ack: { queue, succeeded: [{ descriptor: a as string }], failed: [{ descriptor: b as string }] },
    });
    // The failed job may or may not be picked up again by this same call (acks run beside it).
    expect(descriptorsOf(response.jobs)).toContain(c);
    const infos = await ctx.client.lookup([a as string, b as string]);
    expect(infos[a as string]?.jobState).toBe(JobState.SUCCEEDED);
    expect(infos[b as string]?.attemptsRemaining).toBe(1);
    expect([JobState.PENDING, JobState.IN_PROGRESS]).toContain(infos[b as string]?.jobState);
  });

  it('executes piggybacked acks on a dryRun too', async () => {
    const queue = await ctx.newQueue('piggydry');
    const [a] = await enqueueN(ctx.client, queue, 1);
    await ctx.client.dequeue({ queue, limit: 1 });
    const response = await ctx.client.dequeue({ queue, limit: 5, dryRun: true, ack: { queue, succeeded: [{ descriptor: a as string }] } });
    expect(response).toEqual({ jobs: null, jobMetadata: null });
    expect((await ctx.client.lookupOne(a as string))?.jobState).toBe(JobState.SUCCEEDED);
  });

  it("uses the ack request's own queue name for piggybacked acks", async () => {
    const jobsQueue = await ctx.newQueue('piggyA');
    const otherQueue = await ctx.newQueue('piggyB');
    const [a] = await enqueueN(ctx.client, jobsQueue, 1);
    await ctx.client.dequeue({ queue: jobsQueue, limit: 1 });
    await ctx.client.dequeue({ queue: otherQueue, limit: 1, ack: { queue: jobsQueue, succeeded: [{ descriptor: a as string }] } });
    expect((await ctx.client.lookupOne(a as string))?.jobState).toBe(JobState.SUCCEEDED);
  });

  it('hands a failed-and-retried job out again with one attempt fewer', async () => {
    const queue = await ctx.newQueue('again');
    const [a] = await enqueueN(ctx.client, queue, 1, 'retry', { attemptsAllowed: 3 });
    await ctx.client.dequeue({ queue, limit: 1 });
    await ctx.client.ack({ queue, failed: [{ descriptor: a as string }] });
    const response = await eventually(async () => {
      const r = await ctx.client.dequeue({ queue, limit: 1 });
      expect(r.jobs).not.toBeNull();
      return r;
    });
    expect(response.jobMetadata?.[a as string]).toEqual({ attemptsAllowed: 3, attemptsRemaining: 2 });
  });

  it('a queue that does not exist follows the missingQueue trait (strict: QUEUE_NOT_FOUND; lenient: empty)', async () => {
    const queue = ctx.queueName('nodeq');
    const call = ctx.client.dequeue({ queue, limit: 5 });
    if (ctx.traits.missingQueue === 'strict') await expectPinLaterError(call, ErrorCode.QUEUE_NOT_FOUND);
    else expect(await call).toEqual({ jobs: null, jobMetadata: null });
  });
});
