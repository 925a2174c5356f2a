/** enqueueJobs (FACTS §3.2, §3.5, §4.1, §11.12). */
import thrift from 'thrift';
import ttypes = require('../../gateway/src/generated/pinlater_types');
import { eventually } from '../support/eventually';
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { enqueueN, expectServerTime, halfSecondInstant, reported } from './harness/job-helpers';
import {
  ApplicationExceptionType, ErrorCode, descriptorPattern, expectApplicationError, expectPinLaterError, parseWireDescriptor,
} from './harness/wire-expectations';

describeConformance('enqueueJobs', (ctx) => {
  it('returns one descriptor per job, in request order, formatted <queue>:s<shard>:p<priority>:<id>', async () => {
    const queue = await ctx.newQueue('order');
    const bodies = Array.from({ length: 23 }, (_, i) => `ordered-${i}`);
    const descriptors = await ctx.client.enqueue(queue, bodies.map((body) => ({ body })));
    expect(descriptors).toHaveLength(bodies.length);
    expect(new Set(descriptors).size).toBe(bodies.length);
    for (const d of descriptors) expect(d).toMatch(descriptorPattern(queue, 1));
    const infos = await ctx.client.lookup(descriptors, true);
    expect(descriptors.map((d) => infos[d]?.body?.toString())).toEqual(bodies);
  });

  it('applies the IDL defaults: priority 1, 2 attempts, empty status, runAfter = now, PENDING', async () => {
    const queue = await ctx.newQueue('defaults');
    const before = Date.now();
    const [descriptor] = await ctx.client.enqueue(queue, [{ body: 'plain' }]);
    const after = Date.now();
    expect(descriptor).toMatch(descriptorPattern(queue, 1));
    const info = await ctx.client.lookupOne(descriptor as string);
    expect(info).toMatchObject({
      jobDescriptor: descriptor,
      jobState: JobState.PENDING,
      attemptsAllowed: 2,
      attemptsRemaining: 2,
      customStatus: '',
      claimDescriptor: null,
      body: null,
    });
    expectServerTime(info?.createdAtTimestampMillis ?? null, before, after, ctx.traits);
    expectServerTime(info?.runAfterTimestampMillis ?? null, before, after, ctx.traits);
    expectServerTime(info?.updatedAtTimestampMillis ?? null, before, after, ctx.traits);
  });

  it('stores the given priority, attempts, custom status and runAfter', async () => {
    const queue = await ctx.newQueue('fields');
    const runAfter = halfSecondInstant(3_600_000);
    const [descriptor] = await ctx.client.enqueue(queue, [
      { body: 'full', priority: 3, attemptsAllowed: 7, customStatus: 'status-at-enqueue', runAfterMs: runAfter },
    ]);
    expect(descriptor).toMatch(descriptorPattern(queue, 3));
    expect(await ctx.client.lookupOne(descriptor as string, true)).toMatchObject({
      jobState: JobState.PENDING,
      attemptsAllowed: 7,
      attemptsRemaining: 7,
      customStatus: 'status-at-enqueue',
      runAfterTimestampMillis: reported(runAfter, ctx.traits),
      body: Buffer.from('full'),
    });
  });

  it('accepts every priority 1..3 and puts it in the descriptor', async () => {
    const queue = await ctx.newQueue('prios');
    const descriptors = await ctx.client.enqueue(queue, [1, 2, 3, 2, 1].map((priority) => ({ body: `p${priority}`, priority })));
    expect(descriptors.map((d) => parseWireDescriptor(d).priority)).toEqual([1, 2, 3, 2, 1]);
    expect(await ctx.client.count({ queue, state: JobState.PENDING, priority: 2 })).toBe(2);
  });

  it.each([4, 0, -1, 127])('rejects priority %d with PRIORITY_NOT_SUPPORTED, message = the number', async (priority) => {
    const queue = await ctx.newQueue('badprio');
    await expectPinLaterError(ctx.client.enqueue(queue, [{ body: 'x', priority }]), ErrorCode.PRIORITY_NOT_SUPPORTED, String(priority));
  });

  it('answers an empty jobs list with a TApplicationException INTERNAL_ERROR (not a PinLaterException)', async () => {
    const queue = await ctx.newQueue('empty');
    const request = new ttypes.PinLaterEnqueueRequest({ queueName: queue, jobs: [] });
    await expectApplicationError(ctx.client.enqueueRaw(request), ApplicationExceptionType.INTERNAL_ERROR, /^Internal error processing enqueueJobs: /);
    // The connection stays usable after an INTERNAL_ERROR.
    expect(await ctx.client.enqueue(queue, [{ body: 'after' }])).toHaveLength(1);
    expect(thrift.Thrift.TApplicationExceptionType.INTERNAL_ERROR).toBe(ApplicationExceptionType.INTERNAL_ERROR);
  });

  it('rejects a queue that was never created with QUEUE_NOT_FOUND', async () => {
    await expectPinLaterError(ctx.client.enqueue(ctx.queueName('missing'), [{ body: 'x' }]), ErrorCode.QUEUE_NOT_FOUND);
  });

  it('does not hand out a job whose runAfter is in the future, until it is due', async () => {
    const queue = await ctx.newQueue('future');
    const [descriptor] = await ctx.client.enqueue(queue, [{ body: 'later', runAfterMs: Date.now() + 1500 }]);
    expect((await ctx.client.dequeue({ queue, limit: 5 })).jobs).toBeNull();
    expect(await ctx.client.count({ queue, state: JobState.PENDING, future: true })).toBe(1);
    await eventuallyDequeued(queue, descriptor as string);
  });

  it('treats a runAfter in the past as due now', async () => {
    const queue = await ctx.newQueue('past');
    const [descriptor] = await ctx.client.enqueue(queue, [{ body: 'overdue', runAfterMs: Date.now() - 60_000 }]);
    expect(Object.keys((await ctx.client.dequeue({ queue, limit: 5 })).jobs ?? {})).toEqual([descriptor]);
  });

  it('runAfterTimestampMillis = 0 follows the backend trait (Redis: now; MySQL: epoch 0 or an UNKNOWN error)', async () => {
    const queue = await ctx.newQueue('zero');
    const result = ctx.client.enqueue(queue, [{ body: 'zero', runAfterMs: 0 }]);
    if (ctx.traits.runAfterZero === 'now') {
      const before = Date.now();
      const [descriptor] = await result;
      const info = await ctx.client.lookupOne(descriptor as string);
      expectServerTime(info?.runAfterTimestampMillis ?? null, before, Date.now(), ctx.traits);
      expect(Object.keys((await ctx.client.dequeue({ queue, limit: 1 })).jobs ?? {})).toEqual([descriptor]);
    } else {
      const outcome = await result.then((d) => ({ ok: d }), (e: unknown) => ({ error: e }));
      if ('error' in outcome) {
        expect(outcome.error).toBeInstanceOf(ttypes.PinLaterException);
        expect((outcome.error as ttypes.PinLaterException).errorCode).toBe(ErrorCode.UNKNOWN);
      } else {
        expect(Object.keys((await ctx.client.dequeue({ queue, limit: 1 })).jobs ?? {})).toEqual(outcome.ok);
      }
    }
  });

  it('round-trips UTF-8 bodies byte for byte, including non-ASCII text', async () => {
    const queue = await ctx.newQueue('utf8');
    const bodies = ['h\u00e9llo \u2713', '\u{1F600} emoji', '{"json":[1,2,3]}', 'line\nbreak\ttab'];
    const descriptors = await ctx.client.enqueue(queue, bodies.map((body) => ({ body })));
    const infos = await ctx.client.lookup(descriptors, true);
    expect(descriptors.map((d) => infos[d]?.body?.toString('utf8'))).toEqual(bodies);
    const dequeued = await ctx.client.dequeue({ queue, limit: 10 });
    expect(descriptors.map((d) => dequeued.jobs?.[d]?.toString('utf8'))).toEqual(bodies);
  });

  it('accepts numAttemptsAllowed 0 and negative values (no validation)', async () => {
    const queue = await ctx.newQueue('attempts');
    const descriptors = await ctx.client.enqueue(queue, [{ body: 'z', attemptsAllowed: 0 }, { body: 'n', attemptsAllowed: -3 }]);
    const infos = await ctx.client.lookup(descriptors);
    expect(descriptors.map((d) => [infos[d]?.attemptsAllowed, infos[d]?.attemptsRemaining])).toEqual([[0, 0], [-3, -3]]);
  });

  it('truncates a long custom status to the backend limit (trait), keeping the head', async () => {
    const queue = await ctx.newQueue('longstatus');
    const status = `head${'x'.repeat(6000)}`;
    const [d] = await ctx.client.enqueue(queue, [{ body: 'b', customStatus: status }]);
    expect((await ctx.client.lookupOne(d as string))?.customStatus).toBe(status.slice(0, ctx.traits.customStatusLimit));
  });

  it('issues distinct descriptors across calls', async () => {
    const queue = await ctx.newQueue('distinct');
    const a = await enqueueN(ctx.client, queue, 10, 'a');
    const b = await enqueueN(ctx.client, queue, 10, 'b');
    expect(new Set([...a, ...b]).size).toBe(20);
  });

  async function eventuallyDequeued(queue: string, descriptor: string): Promise<void> {
    await eventually(async () => {
      expect(Object.keys((await ctx.client.dequeue({ queue, limit: 5 })).jobs ?? {})).toEqual([descriptor]);
    }, { timeoutMs: 5000, intervalMs: 100 });
  }
});
