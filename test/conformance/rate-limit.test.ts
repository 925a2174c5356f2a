/**
 * Dequeue rate limits from PinLater's queue config (FACTS §3.6 order of checks, §3.7). The queue
 * config names its queues before the gateway starts, so each profile's block gets names of its own:
 * the routing profiles share one set of systems and one routing table per file
 * (backends/routed-systems.ts), where a name another block created stays routed to that block's system.
 */
import { randomAlnum } from '../support/namespaces';
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { enqueueN } from './harness/job-helpers';
import { selectedProfiles } from './harness/profiles';
import { ApplicationExceptionType, ErrorCode, expectApplicationError, expectPinLaterError } from './harness/wire-expectations';

for (const profile of selectedProfiles()) {
  const LIMITED = `rl_limited_${randomAlnum(6)}`;
  const PAUSED = `rl_paused_${randomAlnum(6)}`;
  const FREE = `rl_free_${randomAlnum(6)}`;

  describeConformance(
    'dequeue rate limits',
    (ctx) => {
      beforeAll(async () => {
        for (const q of [LIMITED, PAUSED, FREE]) await ctx.client.createQueue(q);
      });

      // Rate 1/s: at most one second's permits are stored, so a dequeue with limit 10 leaves at
      // least 9 s owed however long the gateway was idle before (a rate of 10/s would owe nothing
      // once the limiter had been idle a second: the test would depend on how fast it started).
      it('charges the requested limit: rate 1/s allows limit 10 once, then refuses limit 1 with DEQUEUE_RATE_LIMITED', async () => {
        await enqueueN(ctx.client, LIMITED, 3);
        const first = await ctx.client.dequeue({ queue: LIMITED, limit: 10 });
        expect(Object.keys(first.jobs ?? {})).toHaveLength(3);
        await expectPinLaterError(ctx.client.dequeue({ queue: LIMITED, limit: 1 }), ErrorCode.DEQUEUE_RATE_LIMITED, `Dequeue rate limit exceeded for queue: ${LIMITED}`);
      });

      it('a rate of 0 pauses the queue: every dequeue (dry runs too) is refused and piggybacked acks are not executed', async () => {
        const [d] = await enqueueN(ctx.client, FREE, 1);
        const [waiting] = await enqueueN(ctx.client, PAUSED, 1, 'paused');
        await ctx.client.dequeue({ queue: FREE, limit: 1 });
        await expectPinLaterError(ctx.client.dequeue({ queue: PAUSED, limit: 1, dryRun: true }), ErrorCode.DEQUEUE_RATE_LIMITED);
        await expectPinLaterError(
          ctx.client.dequeue({ queue: PAUSED, limit: 1, ack: { queue: FREE, succeeded: [{ descriptor: d as string }] } }),
          ErrorCode.DEQUEUE_RATE_LIMITED,
        );
        expect((await ctx.client.lookupOne(d as string))?.jobState).toBe(JobState.IN_PROGRESS);
        // The refused dequeues claimed nothing: the paused queue's job is still waiting.
        expect((await ctx.client.lookupOne(waiting as string))?.jobState).toBe(JobState.PENDING);
        expect(await ctx.client.count({ queue: PAUSED, state: JobState.IN_PROGRESS })).toBe(0);
      });

      it('checks limit <= 0 before the rate limiter: INTERNAL_ERROR even for a paused queue', async () => {
        await expectApplicationError(ctx.client.dequeue({ queue: PAUSED, limit: 0 }), ApplicationExceptionType.INTERNAL_ERROR);
      });

      it('queues without a configured rate are never limited: back-to-back dequeues each get their job', async () => {
        const enqueued = await enqueueN(ctx.client, FREE, 6, 'free');
        const handedOut: string[] = [];
        // Six calls at once: a rate of 1/s (LIMITED's) would refuse the second one.
        for (let i = 0; i < 5; i++) {
          const { jobs } = await ctx.client.dequeue({ queue: FREE, limit: 1 });
          expect(Object.keys(jobs ?? {})).toHaveLength(1);
          handedOut.push(...Object.keys(jobs ?? {}));
        }
        const { jobs: rest } = await ctx.client.dequeue({ queue: FREE, limit: 1000 });
        handedOut.push(...Object.keys(rest ?? {}));
        expect(handedOut.sort()).toEqual([...enqueued].sort());
      });
    },
    {
      profiles: [profile],
      gateway: {
        queueConfig: {
          queues: [
            { name: LIMITED, queueConfig: { maxJobsPerSecond: 1 } },
            { name: PAUSED, queueConfig: { maxJobsPerSecond: 0 } },
          ],
        },
      },
    },
  );
}
