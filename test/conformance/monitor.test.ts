/**
 * The queue monitor (FACTS §5.7, §6.6, §7, §11.8, §11.9): claim timeouts and GC, run explicitly
 * with `runMonitorOnce()` (profiles disable the timer); everything is observed through the wire.
 */
import { eventually } from '../support/eventually';
import { describeConformance } from './harness/conformance-suite';
import { JobState } from './harness/conformance-client';
import { enqueueAndClaim, jobs } from './harness/job-helpers';

describeConformance(
  'monitor: claim timeout and GC by age',
  (ctx) => {
    it('times out claims: 50 jobs with 1 attempt → FAILED, 50 with 2 → PENDING with 1 left (PinLater\'s own test)', async () => {
      const queue = await ctx.newQueue('timeout');
      const once = await ctx.client.enqueue(queue, jobs(50, 'once', { attemptsAllowed: 1 }));
      const twice = await ctx.client.enqueue(queue, jobs(50, 'twice', { attemptsAllowed: 2 }));
      const claimed = await ctx.client.dequeue({ queue, limit: 100 });
      expect(Object.keys(claimed.jobs ?? {})).toHaveLength(100);
      await eventually(async () => {
        await ctx.backend.runMonitorOnce();
        expect(await ctx.client.count({ queue, state: JobState.IN_PROGRESS })).toBe(0);
      }, { timeoutMs: 10_000, intervalMs: 250 });
      expect(await ctx.client.count({ queue, state: JobState.FAILED })).toBe(50);
      expect(await ctx.client.count({ queue, state: JobState.PENDING })).toBe(50);
      const failedInfos = await ctx.client.lookup(once);
      for (const d of once) expect(failedInfos[d]).toMatchObject({ jobState: JobState.FAILED, attemptsRemaining: 0 });
      const retriedInfos = await ctx.client.lookup(twice);
      for (const d of twice) expect(retriedInfos[d]).toMatchObject({ jobState: JobState.PENDING, attemptsRemaining: 1, claimDescriptor: null });
      // Timed-out jobs with attempts left are due again at once.
      const again = await ctx.client.dequeue({ queue, limit: 100 });
      expect(Object.keys(again.jobs ?? {}).sort()).toEqual([...twice].sort());
      expect(Object.values(again.jobMetadata ?? {})).toEqual(Array(50).fill({ attemptsAllowed: 2, attemptsRemaining: 1 }));
    });

    it('a checkpoint heartbeat extends the claim; an un-heartbeated claim times out', async () => {
      const queue = await ctx.newQueue('heartbeat');
      const worker = await ctx.connect('heartbeat-worker');
      const [kept, lost] = await ctx.client.enqueue(queue, jobs(2, 'hb', { attemptsAllowed: 3 }));
      await worker.dequeue({ queue, limit: 2 });
      // Wait past the claim timeout, then heartbeat one of them right before the monitor runs.
      await eventually(async () => {
        await worker.checkpoint(queue, [{ descriptor: kept as string }]);
        await ctx.backend.runMonitorOnce();
        expect((await ctx.client.lookupOne(lost as string))?.jobState).toBe(JobState.PENDING);
      }, { timeoutMs: 10_000, intervalMs: 250 });
      expect((await ctx.client.lookupOne(kept as string))?.jobState).toBe(JobState.IN_PROGRESS);
    });

    it('garbage-collects succeeded jobs older than the TTL; a fresh monitor run keeps young ones', async () => {
      const queue = await ctx.newQueue('gc');
      const ds = await enqueueAndClaim(ctx.client, queue, 3);
      await ctx.client.ack({ queue, succeeded: ds.map((descriptor) => ({ descriptor })) });
      await eventually(async () => {
        await ctx.backend.runMonitorOnce();
        expect(await ctx.client.count({ queue, state: JobState.SUCCEEDED })).toBe(0);
      }, { timeoutMs: 15_000, intervalMs: 250 });
      expect(await ctx.client.lookup(ds)).toEqual({});
    });

    it('leaves pending jobs alone', async () => {
      const queue = await ctx.newQueue('pending');
      const ds = await ctx.client.enqueue(queue, jobs(3, 'stay'));
      await ctx.backend.runMonitorOnce();
      const infos = await ctx.client.lookup(ds);
      for (const d of ds) expect(infos[d]).toMatchObject({ jobState: JobState.PENDING, attemptsRemaining: 2 });
    });
  },
  // Failed-job TTL stays long so the 50 FAILED of the timeout test are not collected meanwhile.
  { monitor: { claimTimeoutMs: 1000, succeededTtlMs: 1500, failedTtlMs: 3_600_000 } },
);

describeConformance(
  'monitor: GC basis (trait)',
  (ctx) => {
    it('a job due long ago and finished just now: GC by runAfter collects it, GC by completion keeps it', async () => {
      const queue = await ctx.newQueue('basis');
      const [ok, bad] = await ctx.client.enqueue(queue, jobs(2, 'old', { runAfterMs: Date.now() - 2 * 3_600_000, attemptsAllowed: 1 }));
      await ctx.client.dequeue({ queue, limit: 2 });
      await ctx.client.ack({ queue, succeeded: [{ descriptor: ok as string }], failed: [{ descriptor: bad as string }] });
      await ctx.backend.runMonitorOnce();
      const infos = await ctx.client.lookup([ok as string, bad as string]);
      if (ctx.traits.gcBasis === 'runAfter') {
        expect(infos).toEqual({});
      } else {
        expect([infos[ok as string]?.jobState, infos[bad as string]?.jobState]).toEqual([JobState.SUCCEEDED, JobState.FAILED]);
      }
    });

    it('does not time out fresh claims', async () => {
      const queue = await ctx.newQueue('fresh');
      const ds = await enqueueAndClaim(ctx.client, queue, 2);
      await ctx.backend.runMonitorOnce();
      expect(await ctx.client.count({ queue, state: JobState.IN_PROGRESS })).toBe(ds.length);
    });
  },
  { monitor: { claimTimeoutMs: 600_000, succeededTtlMs: 600_000, failedTtlMs: 600_000 } },
);
