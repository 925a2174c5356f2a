import { activeInstances, assignCluster, assignResource, countMoves, type ResourceAssignment } from './assignment';
import { seededRandom as prng } from '../../../test/support/seeded-random';

const partitions = (q: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${q}_${i}`);
const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `broker-${i}`);

function counts(a: ResourceAssignment, active: readonly string[]): number[] {
  const c = new Map(active.map((i) => [i, 0]));
  for (const owner of Object.values(a)) c.set(owner, (c.get(owner) ?? 0) + 1);
  return [...c.values()];
}

function expectBalanced(a: ResourceAssignment, parts: readonly string[], active: readonly string[]): void {
  expect(Object.keys(a).sort()).toEqual([...parts].sort());
  for (const owner of Object.values(a)) expect(active).toContain(owner);
  const c = counts(a, active);
  expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
}

describe('assignResource', () => {
  it('deals partitions evenly and is stable when nothing changes', () => {
    const parts = partitions('q', 10);
    const a = assignResource(parts, names(3), {});
    expectBalanced(a, parts, names(3));
    expect(assignResource(parts, names(3), a)).toEqual(a);
  });

  it('property: balance and minimal moves across random joins and leaves', () => {
    const random = prng(42);
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(random() * 40);
      const k = 1 + Math.floor(random() * 6);
      const parts = partitions('q', n);
      const before = assignResource(parts, names(k), {});
      // A join: only the partitions the newcomer must take move.
      const joined = assignResource(parts, names(k + 1), before);
      expectBalanced(joined, parts, names(k + 1));
      expect(countMoves(before, joined)).toBe(Object.values(joined).filter((o) => o === `broker-${k}`).length);
      expect(countMoves(before, joined)).toBeLessThanOrEqual(Math.ceil(n / (k + 1)));
      // A leave: exactly the leaver's partitions move, when the others can absorb them without rebalancing.
      if (k >= 2) {
        const gone = `broker-${Math.floor(random() * k)}`;
        const rest = names(k).filter((i) => i !== gone);
        const left = assignResource(parts, rest, before);
        expectBalanced(left, parts, rest);
        const lost = Object.values(before).filter((o) => o === gone).length;
        expect(countMoves(before, left)).toBeGreaterThanOrEqual(lost);
        expect(countMoves(before, left)).toBeLessThanOrEqual(lost + Math.ceil(n / rest.length));
      }
    }
  });

  it('moves nothing but the leaver partitions when counts divide evenly', () => {
    const parts = partitions('q', 12);
    const before = assignResource(parts, names(4), {});
    const left = assignResource(parts, names(3), before);
    expect(countMoves(before, left)).toBe(3);
    for (const [p, owner] of Object.entries(before)) if (owner !== 'broker-3') expect(left[p]).toBe(owner);
  });

  it('assigns nothing without active instances', () => {
    expect(assignResource(partitions('q', 3), [], {})).toEqual({});
  });
});

describe('assignCluster', () => {
  it('property: each queue spreads by at most one and the cluster stays even on a fresh assignment', () => {
    const random = prng(7);
    for (let round = 0; round < 100; round++) {
      const k = 1 + Math.floor(random() * 5);
      const queues = Array.from({ length: 1 + Math.floor(random() * 6) }, (_, i) => ({
        resource: `queue${i}`,
        partitions: partitions(`queue${i}`, 1 + Math.floor(random() * 9)),
        previous: {},
      }));
      const out = assignCluster(queues, names(k));
      const total = new Map(names(k).map((i) => [i, 0]));
      for (const q of queues) {
        const a = out[q.resource] ?? {};
        expectBalanced(a, q.partitions, names(k));
        for (const owner of Object.values(a)) total.set(owner, (total.get(owner) ?? 0) + 1);
      }
      expect(Math.max(...total.values()) - Math.min(...total.values())).toBeLessThanOrEqual(1);
    }
  });
});

describe('activeInstances', () => {
  const view = (name: string, live: boolean, enabled = true, offlineSinceMs?: number) => ({
    name,
    live,
    enabled,
    ...(offlineSinceMs !== undefined ? { offlineSinceMs } : {}),
  });

  it('keeps an instance offline for less than the delay active, and says when that ends', () => {
    const set = activeInstances([view('a', true), view('b', false, true, 1000), view('c', false)], 1500, 2000);
    expect(set).toEqual({ active: ['a', 'b'], nextChangeMs: 3000 });
    expect(activeInstances([view('b', false, true, 1000)], 3000, 2000).active).toEqual([]);
  });

  it('drops disabled instances even when live, and offline ones at once without a delay', () => {
    expect(activeInstances([view('a', true, false), view('b', false, true, 1000)], 1500, 0).active).toEqual([]);
  });
});
