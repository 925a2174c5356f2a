/**
 * Bulk export/import (the migration copier's contract, `PinLaterBackend.exportJobs/importJobs`):
 * every job exported from one queue and imported into another keeps all its metadata, observed
 * through the wire, and gets a new descriptor from the importing backend.
 */
import type { PortableJob } from '../../core/src/types/job';
import { describeConformance } from './harness/conformance-suite';
import { JobState, type JobStateValue, type WireJobInfo } from './harness/conformance-client';
import { enqueueAndClaim, halfSecondInstant } from './harness/job-helpers';
import { descriptorPattern } from './harness/wire-expectations';

describeConformance('bulk export / import round trip', (ctx) => {
  async function exportAll(queue: string, state: JobStateValue, priority: number): Promise<PortableJob[]> {
    const out: PortableJob[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const result = await ctx.backend.exportJobs({ queue, state, priority, limit: 3, ...(cursor === undefined ? {} : { cursor }) });
      out.push(...result.jobs);
      cursor = result.nextCursor;
      if (cursor === undefined) return out;
    }
    throw new Error('export did not finish within 100 pages');
  }

  function comparable(info: WireJobInfo | undefined): Omit<WireJobInfo, 'jobDescriptor' | 'updatedAtTimestampMillis' | 'claimDescriptor'> {
    if (!info) throw new Error('job not found');
    const { jobDescriptor: _d, updatedAtTimestampMillis: _u, claimDescriptor: _c, ...rest } = info;
    return rest;
  }

  it('keeps state, attempts, status, times and body of pending, succeeded and failed jobs; new descriptors', async () => {
    const source = await ctx.newQueue('src');
    const target = await ctx.newQueue('dst');
    const future = halfSecondInstant(3_600_000);
    const done = await enqueueAndClaim(ctx.client, source, 2, { attemptsAllowed: 1, customStatus: 'st-b' });
    const pending = await ctx.client.enqueue(source, [
      { body: 'pending-now', customStatus: 'st-a', attemptsAllowed: 4 },
      { body: 'pending-later \u2713', runAfterMs: future, attemptsAllowed: 1 },
    ]);
    await ctx.client.ack({ queue: source, succeeded: [{ descriptor: done[0] as string, appendCustomStatus: 'ok' }], failed: [{ descriptor: done[1] as string, appendCustomStatus: 'ko' }] });
    const exported = [
      ...(await exportAll(source, JobState.PENDING, 1)),
      ...(await exportAll(source, JobState.SUCCEEDED, 1)),
      ...(await exportAll(source, JobState.FAILED, 1)),
    ];
    expect(exported.map((j) => j.sourceDescriptor).sort()).toEqual([...pending, ...done].sort());
    const results = await ctx.backend.importJobs(target, exported.map((j) => ({ ...j, queue: target })));
    expect(results.map((r) => r.sourceDescriptor).sort()).toEqual([...pending, ...done].sort());
    const before = await ctx.client.lookup([...pending, ...done], true);
    const after = await ctx.client.lookup(results.map((r) => r.descriptor), true);
    for (const { sourceDescriptor, descriptor } of results) {
      expect(descriptor).toMatch(descriptorPattern(target, 1));
      expect(descriptor).not.toBe(sourceDescriptor);
      expect(comparable(after[descriptor])).toEqual(comparable(before[sourceDescriptor]));
    }
  });

  it('keeps the priority and the claim of in-progress jobs', async () => {
    const source = await ctx.newQueue('srcp');
    const target = await ctx.newQueue('dstp');
    const claimed = await enqueueAndClaim(ctx.client, source, 2, { priority: 2, attemptsAllowed: 3 });
    const exported = await exportAll(source, JobState.IN_PROGRESS, 2);
    expect(exported).toHaveLength(2);
    const results = await ctx.backend.importJobs(target, exported.map((j) => ({ ...j, queue: target })));
    const before = await ctx.client.lookup(claimed);
    const after = await ctx.client.lookup(results.map((r) => r.descriptor));
    for (const { sourceDescriptor, descriptor } of results) {
      expect(descriptor).toMatch(descriptorPattern(target, 2));
      expect(after[descriptor]).toMatchObject({
        jobState: JobState.IN_PROGRESS,
        attemptsAllowed: 3,
        attemptsRemaining: 3,
        claimDescriptor: before[sourceDescriptor]?.claimDescriptor,
      });
    }
  });
});
