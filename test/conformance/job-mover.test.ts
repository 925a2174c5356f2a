/**
 * Exactly-once moves (`PinLaterBackend.jobMover()`, core/src/interfaces/job-mover.ts,
 * docs/migration.md), observed through the wire: what a PinLater client sees while the migration
 * copier takes, stages, publishes, finishes, restores and discards jobs.
 *
 * System profiles: the backend's own mover, a fresh `jobMover()` per call (nothing may live in a
 * mover object: `listTaken`/`listStaged` read what a new instance would; durability across backend
 * instances is proven per backend in test/integration/{legacy-redis,legacy-mysql,pacer}-job-mover).
 * Routing profiles: a routing backend fronts several systems and has no mover (it throws); the
 * copier uses each system's own.
 */
import { ErrorCode as DomainErrorCode } from '../../core/src/errors/error-code';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import { MOVABLE_STATES, type JobMover, type MovableState } from '../../core/src/interfaces/job-mover';
import type { PortableJob } from '../../core/src/types/job';
import { JobState as DomainJobState } from '../../core/src/types/job-state';
import { backendOf } from './backends/routed-systems';
import { ROUTING_PROFILES, routedGatewayOf } from './backends/routing';
import { describeConformance, type ConformanceContext } from './harness/conformance-suite';
import { JobState, type JobStateValue, type WireJobInfo } from './harness/conformance-client';
import { enqueueAndClaim, halfSecondInstant, reported } from './harness/job-helpers';
import { descriptorPattern, descriptorsOf, parseWireDescriptor } from './harness/wire-expectations';

/** Every (state, future) a client can count or scan; future only for PENDING (clear of "now"). */
const VIEWS: ReadonlyArray<{ state: JobStateValue; future: boolean }> = [
  { state: JobState.PENDING, future: false },
  { state: JobState.PENDING, future: true },
  { state: JobState.IN_PROGRESS, future: false },
  { state: JobState.SUCCEEDED, future: false },
  { state: JobState.FAILED, future: false },
];

const viewKey = (v: { state: JobStateValue; future: boolean }): string => `${v.state}${v.future ? 'f' : ''}`;

/** What a client sees of `queue` (and of `descriptors` by lookup), dequeue as a dry run. */
interface WireView {
  counts: Record<string, number>;
  scanned: Record<string, string[]>;
  lookedUp: string[];
  dueForDequeue: string[];
}

async function wireView(ctx: ConformanceContext, queue: string, descriptors: readonly string[]): Promise<WireView> {
  const counts: Record<string, number> = {};
  const scanned: Record<string, string[]> = {};
  for (const v of VIEWS) {
    counts[viewKey(v)] = await ctx.client.count({ queue, ...v });
    scanned[viewKey(v)] = (await ctx.client.scan({ queue, ...v, limit: 100 })).scannedJobs.map((j) => j.jobDescriptor).sort();
  }
  const lookedUp = Object.keys(await ctx.client.lookup(descriptors)).sort();
  const dueForDequeue = descriptorsOf((await ctx.client.dequeue({ queue, limit: 100, dryRun: true })).jobs);
  return { counts, scanned, lookedUp, dueForDequeue };
}

/** Nothing of `queue` visible but the jobs of `only` (by view key). */
function viewOf(only: Partial<Record<string, string[]>>, lookedUp: string[] = []): WireView {
  const counts: Record<string, number> = {};
  const scanned: Record<string, string[]> = {};
  for (const v of VIEWS) {
    const ds = [...(only[viewKey(v)] ?? [])].sort();
    counts[viewKey(v)] = ds.length;
    scanned[viewKey(v)] = ds;
  }
  return { counts, scanned, lookedUp: [...lookedUp].sort(), dueForDequeue: [...(only[viewKey({ state: JobState.PENDING, future: false })] ?? [])].sort() };
}

/** Everything a move keeps (FACTS fields of the lookup; the descriptor and updated time are the target's). */
function kept(info: WireJobInfo | undefined): Omit<WireJobInfo, 'jobDescriptor' | 'updatedAtTimestampMillis'> {
  if (info === undefined) throw new Error('job not found');
  const { jobDescriptor: _d, updatedAtTimestampMillis: _u, ...rest } = info;
  return rest;
}

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

describeConformance('job mover (exactly-once moves)', (ctx) => {
  if (ROUTING_PROFILES.includes(ctx.profile)) {
    it('a routing backend has no job mover (it fronts several systems); the system behind it has one', async () => {
      let error: unknown;
      try {
        ctx.backend.jobMover();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PinLaterError);
      expect({ code: (error as PinLaterError).code }).toEqual({ code: DomainErrorCode.UNKNOWN });
      const { system, systems } = routedGatewayOf(ctx.backend);
      const queue = await ctx.newQueue('routed');
      expect(await backendOf(systems, system).jobMover().listTaken(queue, 10)).toEqual([]);
    });
    return;
  }

  /** A fresh mover per call: no state may live in a mover object. */
  const mover = (): JobMover => ctx.backend.jobMover();

  /** Takes every movable job of `queue` (every state and priority); returns them. */
  async function takeAll(queue: string): Promise<PortableJob[]> {
    const out: PortableJob[] = [];
    for (const state of MOVABLE_STATES) {
      for (let priority = 1; priority <= ctx.backend.numPriorityLevels; priority++) out.push(...(await mover().take(queue, state, priority, 100)));
    }
    return out;
  }

  /** A queue with one job in every state: ready and future PENDING, IN_PROGRESS, SUCCEEDED, FAILED. */
  async function queueWithEveryState(prefix: string): Promise<{ queue: string; ready: string; future: string; futureAt: number; inProgress: string; succeeded: string; failed: string }> {
    const queue = await ctx.newQueue(prefix);
    const [succeeded, failed, inProgress] = (await enqueueAndClaim(ctx.client, queue, 3, { attemptsAllowed: 1, customStatus: 'claimed' })) as [string, string, string];
    await ctx.client.ack({ queue, succeeded: [{ descriptor: succeeded, appendCustomStatus: 'ok' }], failed: [{ descriptor: failed, appendCustomStatus: 'ko' }] });
    const futureAt = halfSecondInstant(3_600_000);
    const [ready, future] = (await ctx.client.enqueue(queue, [
      { body: 'ready', runAfterMs: halfSecondInstant(-10_000), attemptsAllowed: 3, customStatus: 'r' },
      { body: 'future', runAfterMs: futureAt },
    ])) as [string, string];
    return { queue, ready, future, futureAt, inProgress, succeeded, failed };
  }

  it('take hides ready and future PENDING, FAILED and SUCCEEDED jobs from dequeue, counts, scans and lookups; listTaken names them', async () => {
    const { queue, ready, future, futureAt, inProgress, succeeded, failed } = await queueWithEveryState('take');
    const all = [ready, future, inProgress, succeeded, failed];
    expect(await wireView(ctx, queue, all)).toEqual(viewOf({ [JobState.PENDING]: [ready], [`${JobState.PENDING}f`]: [future], [JobState.IN_PROGRESS]: [inProgress], [JobState.SUCCEEDED]: [succeeded], [JobState.FAILED]: [failed] }, all));

    const pending = await mover().take(queue, DomainJobState.PENDING, 1, 10);
    expect(sorted(pending.map((j) => j.sourceDescriptor))).toEqual(sorted([ready, future]));
    expect(pending.find((j) => j.sourceDescriptor === future)).toMatchObject({ state: DomainJobState.PENDING, runAfterMs: reported(futureAt, ctx.traits), body: Buffer.from('future') });
    expect((await mover().take(queue, DomainJobState.FAILED, 1, 10)).map((j) => [j.sourceDescriptor, j.state])).toEqual([[failed, DomainJobState.FAILED]]);
    expect((await mover().take(queue, DomainJobState.SUCCEEDED, 1, 10)).map((j) => [j.sourceDescriptor, j.state])).toEqual([[succeeded, DomainJobState.SUCCEEDED]]);

    expect(await wireView(ctx, queue, all)).toEqual(viewOf({ [JobState.IN_PROGRESS]: [inProgress] }, [inProgress]));
    expect((await ctx.client.dequeue({ queue, limit: 100 })).jobs ?? {}).toEqual({});
    // Taken once: a second take finds nothing; listTaken (a new mover) names each with its state.
    expect(await takeAll(queue)).toEqual([]);
    const listed = await mover().listTaken(queue, 10);
    expect(listed.map((j) => [j.sourceDescriptor, j.state]).sort()).toEqual(
      [[ready, DomainJobState.PENDING], [future, DomainJobState.PENDING], [failed, DomainJobState.FAILED], [succeeded, DomainJobState.SUCCEEDED]].sort(),
    );
  });

  it('IN_PROGRESS jobs cannot be taken (error); the job stays with its worker and is ackable', async () => {
    const queue = await ctx.newQueue('busy');
    const [claimed] = (await enqueueAndClaim(ctx.client, queue, 1)) as [string];
    const before = await ctx.client.lookupOne(claimed);
    await expect(mover().take(queue, DomainJobState.IN_PROGRESS as MovableState, 1, 10)).rejects.toMatchObject({ code: DomainErrorCode.UNKNOWN });
    expect(await mover().listTaken(queue, 10)).toEqual([]);
    expect(await ctx.client.lookupOne(claimed)).toEqual(before);
    expect(before).toMatchObject({ jobState: JobState.IN_PROGRESS });
    expect(await ctx.client.count({ queue, state: JobState.IN_PROGRESS })).toBe(1);
    await ctx.client.ack({ queue, succeeded: [{ descriptor: claimed }] });
    expect(await ctx.client.lookupOne(claimed)).toMatchObject({ jobState: JobState.SUCCEEDED });
  });

  it('restore puts taken jobs back as they were (state, run-after: a future job stays future); idempotent', async () => {
    const { queue, ready, future, futureAt, inProgress, succeeded, failed } = await queueWithEveryState('restore');
    const all = [ready, future, inProgress, succeeded, failed];
    const viewBefore = await wireView(ctx, queue, all);
    const before = await ctx.client.lookup(all, true);
    const taken = (await takeAll(queue)).map((j) => j.sourceDescriptor);
    expect(sorted(taken)).toEqual(sorted([ready, future, succeeded, failed]));

    expect(await mover().restore(queue, taken)).toBe(4);
    expect(await mover().restore(queue, taken)).toBe(0);
    expect(await mover().listTaken(queue, 10)).toEqual([]);
    expect(await wireView(ctx, queue, all)).toEqual(viewBefore);
    const after = await ctx.client.lookup(all, true);
    for (const d of all) expect({ d, info: kept(after[d]) }).toEqual({ d, info: kept(before[d]) });
    expect(after[future]?.runAfterTimestampMillis).toBe(reported(futureAt, ctx.traits));
    // Served again: the ready one now, the future one not yet; the restored job is ackable.
    expect(descriptorsOf((await ctx.client.dequeue({ queue, limit: 100 })).jobs)).toEqual([ready]);
    await ctx.client.ack({ queue, succeeded: [{ descriptor: ready }] });
    expect(await ctx.client.lookupOne(ready)).toMatchObject({ jobState: JobState.SUCCEEDED });
  });

  it('finish deletes taken jobs for good (lookups absent, counts unchanged); only those; idempotent', async () => {
    const { queue, ready, future, inProgress, succeeded, failed } = await queueWithEveryState('finish');
    const [bystander] = (await ctx.client.enqueue(queue, [{ body: 'stays', priority: 2, runAfterMs: halfSecondInstant(-5_000) }])) as [string];
    const all = [ready, future, inProgress, succeeded, failed, bystander];
    expect(await mover().take(queue, DomainJobState.PENDING, 1, 10)).toHaveLength(2);
    expect(await mover().take(queue, DomainJobState.FAILED, 1, 10)).toHaveLength(1);
    const viewTaken = await wireView(ctx, queue, all);
    expect(viewTaken).toEqual(viewOf({ [JobState.PENDING]: [bystander], [JobState.IN_PROGRESS]: [inProgress], [JobState.SUCCEEDED]: [succeeded] }, [bystander, inProgress, succeeded]));

    // Descriptors that are not taken (in progress, succeeded, a queued job) are no-ops.
    expect(await mover().finish(queue, [ready, future, failed, inProgress, succeeded, bystander])).toBe(3);
    expect(await mover().finish(queue, [ready, future, failed])).toBe(0);
    expect(await mover().restore(queue, [ready, future, failed])).toBe(0);
    expect(await mover().listTaken(queue, 10)).toEqual([]);
    expect(await wireView(ctx, queue, all)).toEqual(viewTaken);
  });

  /** A job as another system hands it over (its descriptor there is the tag). */
  function incoming(queue: string, n: number, state: MovableState, extra: Partial<PortableJob> = {}): PortableJob {
    return {
      sourceDescriptor: `${queue}x:s1d1:p1:${n}`, queue, priority: 1, state, body: Buffer.from(`incoming-${n} \u2713`),
      attemptsAllowed: 3, attemptsRemaining: state === DomainJobState.FAILED ? 0 : 2, customStatus: `status ${n}`,
      createdAtMs: halfSecondInstant(-120_000), updatedAtMs: halfSecondInstant(-60_000), runAfterMs: halfSecondInstant(-30_000), ...extra,
    };
  }

  it('stage writes invisibly, tagged (listStaged); publish shows each job in its state with its claim; discard removes the rest; idempotent', async () => {
    const queue = await ctx.newQueue('stage');
    const claim = 'oldhost:9090:1700000000000:worker-b:7';
    const sources = [
      incoming(queue, 1, DomainJobState.PENDING),
      incoming(queue, 2, DomainJobState.FAILED, { claimDescriptor: claim }),
      incoming(queue, 3, DomainJobState.SUCCEEDED, { priority: 2, sourceDescriptor: `${queue}x:s1d1:p2:3` }),
    ];
    const staged = await mover().stage(queue, sources);
    expect(staged.map((s) => s.sourceDescriptor)).toEqual(sources.map((s) => s.sourceDescriptor));
    staged.forEach((s, i) => {
      const src = sources[i] as PortableJob;
      expect(s.descriptor).toMatch(descriptorPattern(queue, src.priority));
      expect(s.stored).toMatchObject({
        sourceDescriptor: src.sourceDescriptor, priority: src.priority, state: src.state, body: src.body, attemptsAllowed: src.attemptsAllowed,
        attemptsRemaining: src.attemptsRemaining, customStatus: src.customStatus, createdAtMs: reported(src.createdAtMs, ctx.traits), runAfterMs: reported(src.runAfterMs, ctx.traits),
      });
    });
    const [pending, failed, succeeded] = staged.map((s) => s.descriptor) as [string, string, string];

    expect(await wireView(ctx, queue, [pending, failed, succeeded])).toEqual(viewOf({}));
    expect((await ctx.client.dequeue({ queue, limit: 100 })).jobs ?? {}).toEqual({});
    expect(await mover().listStaged(queue, 10)).toEqual(expect.arrayContaining(staged.map(({ sourceDescriptor, descriptor }) => ({ sourceDescriptor, descriptor }))));
    expect(await mover().listStaged(queue, 10)).toHaveLength(3);
    expect(await mover().listTaken(queue, 10)).toEqual([]);

    expect(await mover().publish(queue, [{ descriptor: pending }, { descriptor: failed, claimDescriptor: claim }])).toBe(2);
    expect(await mover().publish(queue, [{ descriptor: pending }, { descriptor: failed, claimDescriptor: claim }])).toBe(0);
    expect(await wireView(ctx, queue, [pending, failed, succeeded])).toEqual(viewOf({ [JobState.PENDING]: [pending], [JobState.FAILED]: [failed] }, [pending, failed]));
    const infos = await ctx.client.lookup([pending, failed], true);
    expect(infos[failed]).toMatchObject({ jobState: JobState.FAILED, claimDescriptor: claim, customStatus: 'status 2', attemptsAllowed: 3, attemptsRemaining: 0 });
    expect(infos[pending]).toMatchObject({
      jobState: JobState.PENDING, claimDescriptor: null, body: Buffer.from('incoming-1 \u2713'), attemptsAllowed: 3, attemptsRemaining: 2, customStatus: 'status 1',
      createdAtTimestampMillis: reported((sources[0] as PortableJob).createdAtMs, ctx.traits), runAfterTimestampMillis: reported((sources[0] as PortableJob).runAfterMs, ctx.traits),
    });
    // A published PENDING job is a job like any other: dequeued and acked through the wire.
    const got = await ctx.client.dequeue({ queue, limit: 100 });
    expect(descriptorsOf(got.jobs)).toEqual([pending]);
    expect(got.jobs?.[pending]?.toString()).toBe('incoming-1 \u2713');
    await ctx.client.ack({ queue, succeeded: [{ descriptor: pending }] });
    expect(await ctx.client.lookupOne(pending)).toMatchObject({ jobState: JobState.SUCCEEDED });

    // Discard removes what is staged only (the published job is not staged any more).
    expect(await mover().discard(queue, [succeeded, failed])).toBe(1);
    expect(await mover().discard(queue, [succeeded])).toBe(0);
    expect(await mover().publish(queue, [{ descriptor: succeeded }])).toBe(0);
    expect(await mover().listStaged(queue, 10)).toEqual([]);
    expect(Object.keys(await ctx.client.lookup([pending, failed, succeeded])).sort()).toEqual(sorted([pending, failed]));
    expect(await ctx.client.count({ queue, state: JobState.SUCCEEDED })).toBe(1);
  });

  it('a round trip take → stage + publish (another queue) → finish keeps body, priority, attempts, custom status, claim, created time and run-after', async () => {
    const { queue: from, ready, future, futureAt, inProgress, succeeded, failed } = await queueWithEveryState('from');
    const [urgent] = (await ctx.client.enqueue(from, [{ body: Buffer.from([0, 1, 2, 255, 254]), priority: 2, attemptsAllowed: 5, customStatus: 'p2 \u00e9', runAfterMs: halfSecondInstant(-20_000) }])) as [string];
    const to = await ctx.newQueue('to');
    const moved = [ready, future, succeeded, failed, urgent];
    const before = await ctx.client.lookup(moved, true);

    const taken = await takeAll(from);
    expect(sorted(taken.map((j) => j.sourceDescriptor))).toEqual(sorted(moved));
    const staged = await mover().stage(to, taken.map((j) => ({ ...j, queue: to })));
    const claimOf = new Map(taken.map((j) => [j.sourceDescriptor, j.claimDescriptor]));
    const items = staged.map((s) => {
      const claimDescriptor = claimOf.get(s.sourceDescriptor);
      return claimDescriptor === undefined ? { descriptor: s.descriptor } : { descriptor: s.descriptor, claimDescriptor };
    });
    expect(await mover().publish(to, items)).toBe(5);
    expect(await mover().finish(from, taken.map((j) => j.sourceDescriptor))).toBe(5);

    // The source holds only the in-progress job; nothing is left taken or staged.
    expect(await wireView(ctx, from, [...moved, inProgress])).toEqual(viewOf({ [JobState.IN_PROGRESS]: [inProgress] }, [inProgress]));
    expect(await mover().listTaken(from, 10)).toEqual([]);
    expect(await mover().listStaged(to, 10)).toEqual([]);
    const after = await ctx.client.lookup(staged.map((s) => s.descriptor), true);
    for (const { sourceDescriptor, descriptor } of staged) {
      expect(descriptor).toMatch(descriptorPattern(to, parseWireDescriptor(sourceDescriptor).priority));
      expect({ sourceDescriptor, info: kept(after[descriptor]) }).toEqual({ sourceDescriptor, info: kept(before[sourceDescriptor]) });
    }
    const target = new Map(staged.map((s) => [s.sourceDescriptor, s.descriptor]));
    expect(after[target.get(future) as string]?.runAfterTimestampMillis).toBe(reported(futureAt, ctx.traits));
    expect(after[target.get(failed) as string]?.claimDescriptor).toEqual(expect.any(String));
    // Served on the target: the ready jobs, highest priority first, ackable.
    const got = await ctx.client.dequeue({ queue: to, limit: 1 });
    expect(descriptorsOf(got.jobs)).toEqual([target.get(ready)]);
    await ctx.client.ack({ queue: to, succeeded: [{ descriptor: target.get(ready) as string }] });
    expect(await ctx.client.lookupOne(target.get(ready) as string)).toMatchObject({ jobState: JobState.SUCCEEDED });
  });
});
