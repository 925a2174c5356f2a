/**
 * The exactly-once move primitives of the legacy Redis store (docs/migration.md "Exactly once",
 * legacy-adapter/src/redis/redis-shard-moves.ts) on the real Redis, at the ShardStore level: take
 * hides jobs from every serving path (dequeue, count, scan, lookup, retry, the monitor, a late
 * checkpoint) durably until finish or restore; stage writes copies nobody sees until publish; every
 * call is idempotent; a take racing dequeues never shares a job; deleteQueue removes the move sets.
 */
import type { MonitorSettings, ShardPortableJob } from '../../core/src/interfaces/shard-store';
import type { PortableJob } from '../../core/src/types/job';
import { ALL_JOB_STATES, JobState } from '../../core/src/types/job-state';
import { jobHashKey, jobIdCounterKey, stagedZsetKey, stateZsetKey, takenZsetKey } from '../../legacy-adapter/src/redis/keys';
import { redisStatNames } from '../../legacy-adapter/src/redis/redis-stat-names';
import { assertNoLeaks } from '../support/leak-check';
import { newJob, openStoreFixture, type StoreFixture } from './legacy-redis-fixtures';

const Q = 'mover_q';
const T0 = 1_700_000_000_123;
const FUTURE = T0 + 60_000;
const CLAIM = 'w:1:2:src:7';
let f: StoreFixture;

beforeEach(async () => {
  f = await openStoreFixture({ nowMs: T0 });
  await f.store.createQueue(Q);
});
afterEach(async () => {
  await f.close();
});
afterAll(assertNoLeaks);

const skey = (state: JobState, prio = 1): string => stateZsetKey(f.shard, Q, prio, state);
const tkey = (state: JobState, prio = 1): string => takenZsetKey(f.shard, Q, prio, state);
const gkey = (state: JobState, prio = 1): string => stagedZsetKey(f.shard, Q, prio, state);
const hkey = (id: number): string => jobHashKey(f.shard, Q, id);

/** One job in each movable state of priority 1: due and future PENDING, SUCCEEDED and FAILED (both claimed by CLAIM). */
async function jobsInEveryState(): Promise<{ due: number; future: number; succeeded: number; failed: number }> {
  const succeeded = await f.store.enqueue(Q, newJob('s', { customStatus: 'cs-s' }));
  const failed = await f.store.enqueue(Q, newJob('f', { attemptsAllowed: 1 }));
  expect(await f.store.dequeue(Q, 1, 2, CLAIM)).toHaveLength(2);
  await f.store.ackSucceeded(Q, 1, succeeded, 'done');
  await f.store.ackFailed(Q, 1, failed, 'boom', 0);
  const due = await f.store.enqueue(Q, newJob('due', { attemptsAllowed: 5, customStatus: 'cs-d' }));
  const future = await f.store.enqueue(Q, newJob('future', { runAfterMs: FUTURE }));
  return { due, future, succeeded, failed };
}

async function exported(state: JobState): Promise<ShardPortableJob[]> {
  return (await f.store.exportJobs(Q, 1, state, undefined, 100)).jobs;
}

async function visibleCount(): Promise<number> {
  let n = 0;
  for (const state of ALL_JOB_STATES) {
    n += (await f.store.count(Q, 1, state, false, undefined)) + (await f.store.count(Q, 1, state, true, undefined));
    n += (await f.store.scan(Q, 1, state, false, 100, undefined)).length + (await f.store.scan(Q, 1, state, true, 100, undefined)).length;
  }
  return n;
}

function monitorSettings(runStartMs: number): MonitorSettings {
  return { claimTimeoutMs: 1000, succeededTtlMs: 1000, failedTtlMs: 1000, updateMaxSize: 1000, runStartMs };
}

function portable(job: ShardPortableJob, sourceDescriptor: string): PortableJob {
  const { localId: _localId, ...rest } = job;
  return { ...rest, queue: Q, sourceDescriptor };
}

describe('take', () => {
  it('moves the lowest-score ids to the taken set with their scores and returns them as export reads them', async () => {
    const ids = await jobsInEveryState();
    const before = [...(await exported(JobState.PENDING)), ...(await exported(JobState.SUCCEEDED)), ...(await exported(JobState.FAILED))];
    const pendingScores = await f.zset(skey(JobState.PENDING));

    const first = await f.store.takeForMove(Q, 1, JobState.PENDING, 1);
    expect(first.map((j) => j.localId)).toEqual([ids.due]); // earliest run-after first
    const taken = [
      ...first,
      ...(await f.store.takeForMove(Q, 1, JobState.PENDING, 10)),
      ...(await f.store.takeForMove(Q, 1, JobState.SUCCEEDED, 10)),
      ...(await f.store.takeForMove(Q, 1, JobState.FAILED, 10)),
    ];
    expect(taken).toEqual(before);
    expect(taken.find((j) => j.localId === ids.succeeded)).toMatchObject({ claimDescriptor: CLAIM, customStatus: 'done', state: JobState.SUCCEEDED });
    expect(taken.find((j) => j.localId === ids.future)).toMatchObject({ runAfterMs: FUTURE, state: JobState.PENDING });

    expect(await f.zset(tkey(JobState.PENDING))).toEqual(pendingScores);
    for (const state of [JobState.PENDING, JobState.SUCCEEDED, JobState.FAILED]) expect(await f.raw.exists(skey(state))).toBe(0);
    // The claim hides in `tc` while taken: PinLater's checkpoint would match `cd` whatever the state.
    expect(await f.raw.hGetAll(hkey(ids.succeeded))).toMatchObject({ bd: 's', tc: CLAIM });
    expect(await f.raw.hExists(hkey(ids.succeeded), 'cd')).toBe(0);
    expect(await f.store.takeForMove(Q, 1, JobState.PENDING, 10)).toEqual([]);
  });

  it('hides taken jobs from dequeue (even when due), counts, scans, lookup, retry, checkpoint and the monitor, durably', async () => {
    const ids = await jobsInEveryState();
    const taken = [
      ...(await f.store.takeForMove(Q, 1, JobState.PENDING, 10)),
      ...(await f.store.takeForMove(Q, 1, JobState.SUCCEEDED, 10)),
      ...(await f.store.takeForMove(Q, 1, JobState.FAILED, 10)),
    ];
    expect(taken).toHaveLength(4);
    f.clock.ms = FUTURE + 10 * 60_000; // the future job is due, every TTL and claim timeout passed

    expect(await f.store.dequeue(Q, 1, 100, 'thief')).toEqual([]);
    expect(await f.store.peek(Q, 1, 100)).toEqual([]);
    expect(await visibleCount()).toBe(0);
    for (const id of Object.values(ids)) expect(await f.store.lookup(Q, 1, id, true)).toBeNull();
    expect(f.stats.counter(redisStatNames.jobHashNotFound(f.stats.queueSeries(Q), f.shard, 1, 'lookup'))).toBe(0);
    expect(await f.store.retryFailed(Q, 1, 100, 3, f.clock.ms)).toBe(0);
    expect(await f.store.checkpoint(Q, 1, ids.succeeded, CLAIM, { descriptor: 'd', moveToPending: true })).toBe(false);
    expect(await f.store.checkpoint(Q, 1, ids.failed, CLAIM, { descriptor: 'd', moveToPending: false })).toBe(false);
    const monitor = await f.store.runMonitor(1, monitorSettings(f.clock.ms));
    expect(monitor.queues[Q]).toEqual({ timeoutDone: 0, timeoutRetry: 0, timeoutEvicted: 0, succeededGc: 0, failedGc: 0 });

    for (const state of ALL_JOB_STATES) expect(await f.raw.exists(skey(state))).toBe(0);
    const other = await openStoreFixture({ shard: f.shard, nowMs: f.clock.ms, noRaw: true });
    try {
      const listed = await other.store.listTaken(Q, 1, 100);
      expect(listed.sort((a, b) => a.localId - b.localId)).toEqual([...taken].sort((a, b) => a.localId - b.localId));
      expect(await other.store.listTaken(Q, 1, 2)).toHaveLength(2);
      expect(await other.store.listTaken(Q, 2, 100)).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('drops ids whose hash was evicted instead of taking them', async () => {
    const a = await f.store.enqueue(Q, newJob('a'));
    const b = await f.store.enqueue(Q, newJob('b'));
    await f.raw.del(hkey(a));
    const taken = await f.store.takeForMove(Q, 1, JobState.PENDING, 1);
    expect(taken.map((j) => j.localId)).toEqual([b]);
    expect(await f.raw.exists(skey(JobState.PENDING))).toBe(0);
    expect(await f.zset(tkey(JobState.PENDING))).toEqual([[String(b), T0 / 1000]]);
  });
});

describe('restore and finish', () => {
  it('restore puts taken jobs back in their state with the same score and claim, once', async () => {
    const ids = await jobsInEveryState();
    const lookups = new Map<number, unknown>();
    for (const id of Object.values(ids)) lookups.set(id, await f.store.lookup(Q, 1, id, true));
    const scores = await Promise.all(ALL_JOB_STATES.map((s) => f.zset(skey(s))));
    for (const state of [JobState.PENDING, JobState.SUCCEEDED, JobState.FAILED]) await f.store.takeForMove(Q, 1, state, 10);

    expect(await f.store.restoreMove(Q, 1, Object.values(ids))).toBe(4);
    expect(await Promise.all(ALL_JOB_STATES.map((s) => f.zset(skey(s))))).toEqual(scores);
    for (const id of Object.values(ids)) expect(await f.store.lookup(Q, 1, id, true)).toEqual(lookups.get(id));
    for (const id of Object.values(ids)) expect(await f.raw.hExists(hkey(id), 'tc')).toBe(0);
    expect(await f.store.listTaken(Q, 1, 100)).toEqual([]);
    // The future job stays future: not dequeued now.
    expect((await f.store.dequeue(Q, 1, 10, 'c')).map((j) => j.localId)).toEqual([ids.due]);

    expect(await f.store.restoreMove(Q, 1, Object.values(ids))).toBe(0);
    expect(await f.store.finishMove(Q, 1, Object.values(ids))).toBe(0);
    expect(await f.store.lookup(Q, 1, ids.future, false)).toMatchObject({ state: JobState.PENDING, runAfterMs: FUTURE });
  });

  it('finish deletes only taken jobs, once', async () => {
    const a = await f.store.enqueue(Q, newJob('a'));
    const b = await f.store.enqueue(Q, newJob('b'));
    const c = await f.store.enqueue(Q, newJob('c'));
    await f.store.takeForMove(Q, 1, JobState.PENDING, 2);
    expect(await f.store.finishMove(Q, 1, [a, b, c, 999])).toBe(2);
    expect(await f.raw.exists([hkey(a), hkey(b), tkey(JobState.PENDING)])).toBe(0);
    expect(await f.store.lookup(Q, 1, c, false)).toMatchObject({ state: JobState.PENDING });
    expect(await f.store.finishMove(Q, 1, [a, b])).toBe(0);
    expect(await f.store.restoreMove(Q, 1, [a, b])).toBe(0);
    expect(await f.raw.exists([hkey(a), hkey(b)])).toBe(0);
  });

  it('takes, lists and finishes more ids than one script call carries', async () => {
    const n = 2100;
    await Promise.all(Array.from({ length: n }, (_, i) => f.store.enqueue(Q, newJob(`j${i}`))));
    const taken = await f.store.takeForMove(Q, 1, JobState.PENDING, n + 5);
    expect(taken).toHaveLength(n);
    expect(new Set(taken.map((j) => j.localId)).size).toBe(n);
    const listed = await f.store.listTaken(Q, 1, n + 5);
    expect(listed.map((j) => j.localId).sort((x, y) => x - y)).toEqual(taken.map((j) => j.localId).sort((x, y) => x - y));
    expect(await f.store.listTaken(Q, 1, 1500)).toHaveLength(1500);
    expect(await f.store.finishMove(Q, 1, taken.map((j) => j.localId))).toBe(n);
    expect(await f.raw.exists(tkey(JobState.PENDING))).toBe(0);
  });
});

describe('stage, publish, discard', () => {
  /** Source jobs as another system exported them. */
  function sources(): PortableJob[] {
    const base = { queue: Q, priority: 1, attemptsAllowed: 4, createdAtMs: T0 - 5000, updatedAtMs: T0 - 1000, customStatus: 'moved' };
    return [
      { ...base, sourceDescriptor: `${Q}:s9:p1:1`, state: JobState.PENDING, body: Buffer.from('future'), attemptsRemaining: 4, runAfterMs: FUTURE },
      { ...base, sourceDescriptor: `${Q}:s9:p1:2`, state: JobState.PENDING, body: Buffer.from([0xff, 0x00, 0x41]), attemptsRemaining: 2, runAfterMs: T0 - 10 },
      { ...base, sourceDescriptor: `${Q}:s9:p1:3`, state: JobState.FAILED, body: Buffer.from('failed'), attemptsRemaining: 0, runAfterMs: T0 - 20, claimDescriptor: CLAIM },
      { ...base, sourceDescriptor: `${Q}:s9:p1:4`, state: JobState.SUCCEEDED, body: Buffer.from('ok'), attemptsRemaining: 3, runAfterMs: T0 - 30, customStatus: '' },
    ];
  }

  it('writes invisible copies in PinLater layout plus the tag, with ids from the queue counter', async () => {
    const enqueued = await f.store.enqueue(Q, newJob('x'));
    const jobs = sources();
    const staged = await f.store.stageMoved(Q, 1, jobs);
    expect(staged.map((s) => s.localId)).toEqual([enqueued + 1, enqueued + 2, enqueued + 3, enqueued + 4]);
    expect(await f.raw.get(jobIdCounterKey(f.shard, Q))).toBe(String(enqueued + 4));
    staged.forEach((s, i) => {
      const { claimDescriptor: _claim, ...expected } = portable(s, jobs[i]!.sourceDescriptor);
      const { claimDescriptor: _sourceClaim, ...source } = jobs[i]!;
      expect(expected).toEqual(source);
    });
    expect(await f.raw.hGetAll(hkey(staged[0]!.localId))).toEqual({
      bd: 'future', al: '4', ar: '4', ca: '1.699999995123E9', ua: '1.699999999123E9', cs: 'moved', mv: jobs[0]!.sourceDescriptor,
    });
    expect((await f.hashBytes(hkey(staged[1]!.localId))).bd).toEqual(Buffer.from([0xff, 0x00, 0x41]));
    expect(await f.zset(gkey(JobState.PENDING))).toEqual([
      [String(staged[1]!.localId), (T0 - 10) / 1000],
      [String(staged[0]!.localId), FUTURE / 1000],
    ]);
    expect(await f.raw.hExists(hkey(staged[2]!.localId), 'cd')).toBe(0);

    f.clock.ms = FUTURE + 1;
    expect((await f.store.dequeue(Q, 1, 100, 'c')).map((j) => j.localId)).toEqual([enqueued]);
    expect(await f.store.peek(Q, 1, 100)).toEqual([]);
    await f.store.deleteJobs(Q, 1, JobState.IN_PROGRESS, 10, undefined);
    expect(await visibleCount()).toBe(0);
    for (const s of staged) expect(await f.store.lookup(Q, 1, s.localId, true)).toBeNull();
    expect(await f.store.retryFailed(Q, 1, 100, 3, f.clock.ms)).toBe(0);
    const monitor = await f.store.runMonitor(1, monitorSettings(f.clock.ms + 3_600_000));
    expect(monitor.queues[Q]?.failedGc).toBe(0);
    expect(monitor.queues[Q]?.succeededGc).toBe(0);
    const listed = await f.store.listStaged(Q, 1, 100);
    expect(listed.sort((a, b) => a.localId - b.localId)).toEqual(staged.map((s, i) => ({ localId: s.localId, sourceDescriptor: jobs[i]!.sourceDescriptor })));
    expect(await f.store.listStaged(Q, 1, 3)).toHaveLength(3);
    expect(await f.store.listTaken(Q, 1, 100)).toEqual([]);
  });

  it('publish makes copies visible in their state, with their scores and the given claim, once', async () => {
    const jobs = sources();
    const staged = await f.store.stageMoved(Q, 1, jobs);
    const [future, due, failed, succeeded] = staged.map((s) => s.localId) as [number, number, number, number];
    const published = await f.store.publishStaged(Q, 1, [{ localId: future }, { localId: due }, { localId: failed, claimDescriptor: CLAIM }, { localId: succeeded }]);
    expect(published).toBe(4);
    for (const state of ALL_JOB_STATES) expect(await f.raw.exists(gkey(state))).toBe(0);
    for (const id of staged.map((s) => s.localId)) expect(await f.raw.hExists(hkey(id), 'mv')).toBe(0);

    expect(await f.store.lookup(Q, 1, failed, true)).toEqual({
      state: JobState.FAILED, attemptsAllowed: 4, attemptsRemaining: 0, customStatus: 'moved', createdAtMs: T0 - 5000, updatedAtMs: T0 - 1000,
      runAfterMs: T0 - 20, claimDescriptor: CLAIM, body: Buffer.from('failed'),
    });
    expect(await f.store.lookup(Q, 1, succeeded, false)).toMatchObject({ state: JobState.SUCCEEDED, runAfterMs: T0 - 30 });
    expect(await f.raw.hExists(hkey(succeeded), 'cd')).toBe(0);
    // PENDING: the future copy stays future; only the due one is served.
    expect(await f.store.count(Q, 1, JobState.PENDING, true, undefined)).toBe(1);
    expect((await f.store.dequeue(Q, 1, 10, 'c')).map((j) => j.localId)).toEqual([due]);
    f.clock.ms = FUTURE;
    expect((await f.store.dequeue(Q, 1, 10, 'c')).map((j) => j.localId)).toEqual([future]);

    expect(await f.store.publishStaged(Q, 1, [{ localId: failed, claimDescriptor: 'other' }, { localId: succeeded }])).toBe(0);
    expect(await f.store.discardStaged(Q, 1, [failed, succeeded])).toBe(0);
    expect(await f.raw.hGet(hkey(failed), 'cd')).toBe(CLAIM);
    expect(await f.store.lookup(Q, 1, succeeded, false)).toMatchObject({ state: JobState.SUCCEEDED });
  });

  it('discard deletes staged copies only, once', async () => {
    const staged = await f.store.stageMoved(Q, 1, sources());
    const [a, b, c, d] = staged.map((s) => s.localId) as [number, number, number, number];
    expect(await f.store.publishStaged(Q, 1, [{ localId: d }])).toBe(1);
    expect(await f.store.discardStaged(Q, 1, [a, b, c, d])).toBe(3);
    expect(await f.raw.exists([hkey(a), hkey(b), hkey(c)])).toBe(0);
    expect(await f.store.lookup(Q, 1, d, false)).toMatchObject({ state: JobState.SUCCEEDED });
    expect(await f.store.discardStaged(Q, 1, [a, b, c])).toBe(0);
    expect(await f.store.publishStaged(Q, 1, [{ localId: a }])).toBe(0);
    expect(await f.raw.exists(hkey(a))).toBe(0);
    expect(await f.store.listStaged(Q, 1, 100)).toEqual([]);
  });

  it('refuses a job of another priority', async () => {
    await expect(f.store.stageMoved(Q, 2, sources())).rejects.toThrow(/priority/);
    expect(await f.raw.exists(jobIdCounterKey(f.shard, Q))).toBe(0);
  });
});

it('a take racing dequeues on another connection never shares a job with them', async () => {
  const other = await openStoreFixture({ shard: f.shard, nowMs: T0, noRaw: true });
  try {
    for (let round = 0; round < 40; round++) {
      const ids = await Promise.all(Array.from({ length: 24 }, (_, i) => f.store.enqueue(Q, newJob(`r${round}-${i}`))));
      const [dequeued, taken] = await Promise.all([
        Promise.all(Array.from({ length: 4 }, () => f.store.dequeue(Q, 1, 4, 'c'))),
        Promise.all(Array.from({ length: 4 }, () => other.store.takeForMove(Q, 1, JobState.PENDING, 4))),
      ]);
      const d = dequeued.flat().map((j) => j.localId);
      const t = taken.flat().map((j) => j.localId);
      expect(d.filter((id) => t.includes(id))).toEqual([]);
      expect(new Set([...d, ...t]).size).toBe(d.length + t.length);
      expect(d.length + t.length).toBe(24);
      expect(new Set([...d, ...t])).toEqual(new Set(ids));
      expect(await f.store.finishMove(Q, 1, t)).toBe(t.length);
      await f.store.deleteJobs(Q, 1, JobState.IN_PROGRESS, 100, undefined);
    }
  } finally {
    await other.close();
  }
});

it('deleteQueue also removes the taken and staged sets and their hashes', async () => {
  await jobsInEveryState();
  await f.store.enqueue(Q, newJob('p3', { priority: 3 }));
  await f.store.takeForMove(Q, 1, JobState.PENDING, 1);
  await f.store.takeForMove(Q, 1, JobState.FAILED, 1);
  await f.store.takeForMove(Q, 3, JobState.PENDING, 1);
  await f.store.stageMoved(Q, 2, [
    { sourceDescriptor: 'x:s1:p2:1', queue: Q, priority: 2, state: JobState.SUCCEEDED, body: Buffer.from('b'), attemptsAllowed: 1, attemptsRemaining: 1, customStatus: '', createdAtMs: T0, updatedAtMs: T0, runAfterMs: T0 },
  ]);
  await f.store.deleteQueue(Q);
  expect(await f.raw.keys(`pl?_${f.shard}_${Q}*`)).toEqual([jobIdCounterKey(f.shard, Q)]);
});
