import type { AliasResolver } from '../migration/move-ledger';
import type { JobInfo } from '../types/job';
import { ALIAS_RESOLVE_BATCH, MAX_ALIAS_HOPS, lookupThroughAliases } from './alias-lookup';
import { LEGACY_CLUSTER, migrating, tagged, twoSystemRouter, type TwoSystemRouter } from '../../../test/support/two-system-router';

/** A ledger held in a map (source → newest target), recording the size of every resolve call. */
class MapResolver implements AliasResolver {
  readonly batches: number[] = [];
  constructor(readonly moves = new Map<string, string>()) {}

  resolve(descriptors: readonly string[]): Promise<Map<string, string>> {
    this.batches.push(descriptors.length);
    if (descriptors.length > ALIAS_RESOLVE_BATCH) throw new Error(`resolve called with ${descriptors.length} descriptors`);
    const out = new Map<string, string>();
    for (const d of descriptors) {
      const target = this.moves.get(d);
      if (target !== undefined) out.set(d, target);
    }
    return Promise.resolve(out);
  }
}

const Q = 'mq';
let aliases: MapResolver;
let t: TwoSystemRouter;

beforeEach(() => {
  aliases = new MapResolver();
  t = twoSystemRouter({ aliases });
});

/** Moves a job the way the copier leaves it: gone from `from`, present on `to`, recorded in the ledger. */
async function move(descriptor: string, from: TwoSystemRouter['legacy'], to: TwoSystemRouter['legacy'], body: string): Promise<string> {
  const parsed = descriptor.split(':');
  await from.deleteJobs({ queue: Q, state: 0, priority: Number(parsed[2]?.slice(1)), limit: 1 });
  const [target] = await to.enqueueJobs({ queue: Q, jobs: [tagged(body, Number(parsed[2]?.slice(1)))] });
  aliases.moves.set(descriptor, target as string);
  return target as string;
}

describe('lookups of moved jobs (the move ledger)', () => {
  it('a legacy descriptor whose job moved to Pacer finds the job there, keyed as sent, with its current descriptor', async () => {
    t.routes.set(Q, migrating('to-pacer'));
    const [old] = await t.legacy.enqueueJobs({ queue: Q, jobs: [tagged('job', 1)] });
    const [stays] = await t.pacer.enqueueJobs({ queue: Q, jobs: [tagged('other', 2)] });
    const now = await move(old as string, t.legacy, t.pacer, 'job');
    const found = await t.router.lookupJobs({ descriptors: [old as string, stays as string, `${Q}:s1:p1:999`], includeBody: true });
    expect([...found.keys()].sort()).toEqual([old, stays].sort());
    expect(found.get(old as string)).toMatchObject({ descriptor: now, body: Buffer.from('job') });
    expect(found.get(stays as string)?.descriptor).toBe(stays);
  });

  it('follows a chain: moved to Pacer, then rolled back to legacy (the queue is legacy again)', async () => {
    t.routes.set(Q, migrating('to-pacer'));
    const [first] = await t.legacy.enqueueJobs({ queue: Q, jobs: [tagged('job', 1)] });
    const onPacer = await move(first as string, t.legacy, t.pacer, 'job');
    t.routes.set(Q, { mode: 'legacy', cluster: LEGACY_CLUSTER });
    const back = await move(onPacer, t.pacer, t.legacy, 'job');
    const found = await t.router.lookupJobs({ descriptors: [first as string, onPacer], includeBody: false });
    expect(found.get(first as string)?.descriptor).toBe(back);
    expect(found.get(onPacer)?.descriptor).toBe(back);
  });

  it('a queue finalized with its legacy queue deleted: old descriptors still resolve, the lookup does not fail', async () => {
    t.routes.set(Q, { mode: 'pacer', legacyCluster: LEGACY_CLUSTER });
    const [old] = await t.legacy.enqueueJobs({ queue: Q, jobs: [tagged('job', 1)] });
    const [born] = await t.pacer.enqueueJobs({ queue: Q, jobs: [tagged('new', 1)] });
    const now = await move(old as string, t.legacy, t.pacer, 'job');
    // What legacy MySQL answers once its tables are dropped (`finalize --delete-legacy`).
    t.legacy.lookupJobs = () => Promise.reject(new Error("Table 'plq_1_mq.jobs_p1' doesn't exist"));
    const found = await t.router.lookupJobs({ descriptors: [old as string, born as string], includeBody: false });
    expect(found.get(old as string)?.descriptor).toBe(now);
    expect(found.get(born as string)?.descriptor).toBe(born);
    expect(t.stats.counter('PinLaterRouting.left_cluster_lookup_failures')).toBeGreaterThan(0);
    // On the queue's current legacy cluster the failure is the client's answer, as in PinLater.
    t.routes.set(Q, { mode: 'legacy', cluster: LEGACY_CLUSTER });
    await expect(t.router.lookupJobs({ descriptors: [old as string], includeBody: false })).rejects.toThrow(/doesn't exist/);
  });

  it('without a resolver, a moved job is simply not found', async () => {
    const plain = twoSystemRouter();
    plain.routes.set(Q, migrating('to-pacer'));
    const [old] = await plain.legacy.enqueueJobs({ queue: Q, jobs: [tagged('job', 1)] });
    await plain.legacy.deleteJobs({ queue: Q, state: 0, priority: 1, limit: 1 });
    expect((await plain.router.lookupJobs({ descriptors: [old as string], includeBody: false })).size).toBe(0);
  });
});

describe('lookupThroughAliases', () => {
  const info = (descriptor: string): JobInfo => ({ descriptor, state: 0, attemptsAllowed: 1, attemptsRemaining: 1, customStatus: '', createdAtMs: 0 });
  /** A store holding exactly `present`, counting lookups. */
  const store = (present: readonly string[]): { lookup: (ds: string[]) => Promise<Map<string, JobInfo>>; calls: string[][] } => {
    const calls: string[][] = [];
    return {
      calls,
      lookup: (ds) => {
        calls.push(ds);
        return Promise.resolve(new Map(ds.filter((d) => present.includes(d)).map((d) => [d, info(d)])));
      },
    };
  };
  const chain = (length: number): Map<string, string> => new Map(Array.from({ length }, (_, i) => [`d${i}`, `d${i + 1}`]));

  it(`follows up to ${MAX_ALIAS_HOPS} moves and no further`, async () => {
    const eight = new MapResolver(chain(MAX_ALIAS_HOPS));
    expect((await lookupThroughAliases(['d0'], eight, store([`d${MAX_ALIAS_HOPS}`]).lookup)).get('d0')?.descriptor).toBe(`d${MAX_ALIAS_HOPS}`);
    const nine = new MapResolver(chain(MAX_ALIAS_HOPS + 1));
    expect((await lookupThroughAliases(['d0'], nine, store([`d${MAX_ALIAS_HOPS + 1}`]).lookup)).size).toBe(0);
    expect(nine.batches).toHaveLength(MAX_ALIAS_HOPS);
  });

  it('ends a cycle in the ledger at once (no descriptor is visited twice)', async () => {
    const cycle = new MapResolver(new Map([['a', 'b'], ['b', 'c'], ['c', 'a']]));
    const s = store([]);
    expect((await lookupThroughAliases(['a'], cycle, s.lookup)).size).toBe(0);
    expect(cycle.batches).toHaveLength(3);
    expect(s.calls).toEqual([['b'], ['c']]);
  });

  it(`resolves at most ${ALIAS_RESOLVE_BATCH} descriptors per call, and answers keyed as sent`, async () => {
    const missed = Array.from({ length: 2500 }, (_, i) => `m${i}`);
    const resolver = new MapResolver(new Map(missed.map((d) => [d, `${d}-now`])));
    const found = await lookupThroughAliases(missed, resolver, store(missed.map((d) => `${d}-now`)).lookup);
    expect(resolver.batches).toEqual([1000, 1000, 500]);
    expect(found.size).toBe(2500);
    expect(found.get('m7')?.descriptor).toBe('m7-now');
  });
});
