import { mapInSlices, partitionBatch } from './partition-batch';
import { javaRound, shuffled } from './shuffle';

describe('PinLater batch partitioning (FACTS §3.5)', () => {
  it('slices of max(n / parallelism, 1)', () => {
    expect(partitionBatch([1, 2, 3, 4, 5, 6, 7], 5).map((s) => s.length)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(partitionBatch(Array.from({ length: 12 }, (_, i) => i), 5).map((s) => s.length)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(partitionBatch([], 5)).toEqual([]);
  });

  it('keeps request order in results', async () => {
    const items = Array.from({ length: 23 }, (_, i) => i);
    const out = await mapInSlices(items, 5, async (i) => {
      await new Promise((r) => setImmediate(r));
      return i * 2;
    });
    expect(out).toEqual(items.map((i) => i * 2));
  });

  it('rounds like Java Math.round and shuffles every element', () => {
    expect(javaRound(2.5)).toBe(3);
    expect(javaRound(-0.5)).toBe(0);
    expect(javaRound(NaN)).toBe(0);
    expect(shuffled([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });
});
