import { ErrorCode } from '../errors/error-code';
import { PinLaterError } from '../errors/pinlater-error';
import type { DequeueRequest } from '../types/requests';
import { migrating, tagged, twoSystemRouter, type TwoSystemRouter } from '../../../test/support/two-system-router';
import { routingStatNames } from './routing-stat-names';

const Q = 'mq';
const dequeue = (limit: number, extra: Partial<DequeueRequest> = {}): DequeueRequest => ({ queue: Q, limit, dryRun: false, coverage: 1, claimDescriptor: 'c', ...extra });

let t: TwoSystemRouter;

async function bodies(limit: number, extra: Partial<DequeueRequest> = {}): Promise<string[]> {
  return (await t.router.dequeueJobs(dequeue(limit, extra))).jobs.map((j) => j.body.toString());
}

/** Three jobs per priority on each side, enqueued on the systems directly (S = legacy, D = Pacer for to-pacer). */
async function fillBothSides(perPriority = 1): Promise<void> {
  for (const [system, side] of [[t.legacy, 'L'], [t.pacer, 'P']] as const) {
    const jobs = [1, 2, 3].flatMap((p) => Array.from({ length: perPriority }, (_, i) => tagged(`${side}${p}${String.fromCharCode(97 + i)}`, p)));
    await system.enqueueJobs({ queue: Q, jobs });
  }
}

beforeEach(() => {
  t = twoSystemRouter();
});

describe('dequeue of a migrating queue', () => {
  it('serves priority by priority, within each the side it leaves first (to-pacer: legacy, then Pacer)', async () => {
    t.routes.set(Q, migrating('to-pacer'));
    await fillBothSides();
    expect(await bodies(6)).toEqual(['L1a', 'P1a', 'L2a', 'P2a', 'L3a', 'P3a']);
  });

  it('to-legacy: Pacer is the side it leaves, so Pacer first', async () => {
    t.routes.set(Q, migrating('to-legacy'));
    await fillBothSides();
    expect(await bodies(6)).toEqual(['P1a', 'L1a', 'P2a', 'L2a', 'P3a', 'L3a']);
  });

  it('stops at the limit, asking each side only for what is left, one priority at a time', async () => {
    t.routes.set(Q, migrating('to-pacer'));
    await fillBothSides(2);
    expect(await bodies(5)).toEqual(['L1a', 'L1b', 'P1a', 'P1b', 'L2a']);
    const asked = (system: typeof t.legacy): Array<[number, number | undefined]> =>
      system.calls.filter((c) => c.method === 'dequeueJobs').map((c) => [(c.arg as DequeueRequest).limit, (c.arg as DequeueRequest).onlyPriority]);
    expect(asked(t.legacy)).toEqual([[5, 1], [1, 2]]);
    expect(asked(t.pacer)).toEqual([[3, 1]]);
  });

  it('honours a request for one priority', async () => {
    t.routes.set(Q, migrating('to-pacer'));
    await fillBothSides();
    expect(await bodies(10, { onlyPriority: 2 })).toEqual(['L2a', 'P2a']);
  });

  it('every 4th call of a queue starts with the destination: with both sides full, neither starves', async () => {
    t.routes.set(Q, migrating('to-pacer'));
    await fillBothSides(10);
    const firsts: string[] = [];
    for (let call = 1; call <= 8; call += 1) firsts.push(...(await bodies(1)));
    expect(firsts.map((b) => b[0])).toEqual(['L', 'L', 'L', 'P', 'L', 'L', 'L', 'P']);
    // The counter is per queue: another migrating queue starts its own rotation.
    t.routes.set('mq2', migrating('to-pacer'));
    await t.legacy.enqueueJobs({ queue: 'mq2', jobs: [tagged('L', 1)] });
    await t.pacer.enqueueJobs({ queue: 'mq2', jobs: [tagged('P', 1)] });
    expect((await t.router.dequeueJobs({ ...dequeue(1), queue: 'mq2' })).jobs.map((j) => j.body.toString())).toEqual(['L']);
  });

  it('a dry run goes the same way, claims nothing and shows the order of the next call without advancing it', async () => {
    t.routes.set(Q, migrating('to-pacer'));
    await fillBothSides(10);
    expect(await bodies(3, { dryRun: true })).toEqual(['L1a', 'L1b', 'L1c']);
    const real: string[] = [];
    for (let call = 1; call <= 3; call += 1) real.push(...(await bodies(1)));
    expect(real).toEqual(['L1a', 'L1b', 'L1c']);
    expect(await bodies(2, { dryRun: true })).toEqual(['P1a', 'P1b']);
    expect(await bodies(2)).toEqual(['P1a', 'P1b']);
    expect(await bodies(1)).toEqual(['L1d']);
  });

  it('a side that fails is skipped: the other side is served; the call fails only when it got nothing', async () => {
    t.routes.set(Q, migrating('to-pacer'));
    await fillBothSides();
    t.legacy.failNext = { method: 'dequeueJobs', error: new PinLaterError(ErrorCode.NO_HEALTHY_SHARDS, 'legacy down') };
    expect(await bodies(4)).toEqual(['P1a', 'P2a', 'P3a']);
    expect(t.stats.counter(routingStatNames.migratingDequeueSideFailures)).toBe(1);
    t.routes.set('empty', migrating('to-pacer'));
    t.legacy.failNext = { method: 'dequeueJobs', error: new PinLaterError(ErrorCode.NO_HEALTHY_SHARDS, 'legacy down') };
    await expect(t.router.dequeueJobs({ ...dequeue(4), queue: 'empty' })).rejects.toThrow('legacy down');
  });

  it('a queue not migrating is served by its one system, as before', async () => {
    t.routes.set(Q, { mode: 'pacer', legacyCluster: 'legacy-a' });
    await fillBothSides();
    expect(await bodies(6)).toEqual(['P1a', 'P2a', 'P3a']);
    expect(t.legacy.calls.filter((c) => c.method === 'dequeueJobs')).toEqual([]);
  });
});
