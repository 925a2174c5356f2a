import { mapBounded, partitionBatch } from './partition-batch';
import { javaRound, shuffled } from './shuffle';

describe('PinLater batch partitioning (FACTS §3.5)', () => {
  it('slices of max(n / parallelism, 1)', () => {
    expect(partitionBatch([1, 2, 3, 4, 5, 6, 7], 5).map((s) => s.length)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(partitionBatch(Array.from({ length: 12 }, (_, i) => i), 5).map((s) => s.length)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(partitionBatch([], 5)).toEqual([]);
  });

  it('keeps request order in results and bounds the operations in flight', async () => {
    const items = Array.from({ length: 23 }, (_, i) => i);
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded(items, 4, async (i) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      inFlight--;
      return i * 2;
    });
    expect(out).toEqual(items.map((i) => i * 2));
    expect(peak).toBe(4);
  });

  it('fails the whole call on the first failure, after started items settle', async () => {
    const done: number[] = [];
    await expect(
      mapBounded([1, 2, 3, 4], 2, async (i) => {
        if (i === 2) throw new Error('boom');
        await new Promise((r) => setImmediate(r));
        done.push(i);
        return i;
      }),
    ).rejects.toThrow('boom');
    expect(done).toContain(1);
    expect(done).not.toContain(4);
  });

  it('rounds like Java Math.round and shuffles every element', () => {
    expect(javaRound(2.5)).toBe(3);
    expect(javaRound(-0.5)).toBe(0);
    expect(javaRound(NaN)).toBe(0);
    expect(shuffled([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });
});
