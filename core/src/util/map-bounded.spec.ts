import { mapBounded } from './map-bounded';

describe('mapBounded (batches with bounded concurrency, docs/compatibility.md)', () => {
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

});
