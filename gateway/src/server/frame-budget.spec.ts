import { FrameBudget } from './frame-budget';

/** Lets queued microtasks (grant callbacks) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('FrameBudget', () => {
  it('reserves while bytes fit and never exceeds its capacity', () => {
    const b = new FrameBudget(100, { smallFrameBytes: 10 });
    expect(b.tryReserve(60)).toBe(true);
    expect(b.tryReserve(50)).toBe(false);
    expect(b.tryReserve(40)).toBe(true);
    expect(b.usedBytes).toBe(100);
    expect(b.tryReserve(1)).toBe(false);
    b.release(60);
    expect(b.usedBytes).toBe(40);
  });

  it('grants waiters first come first served, from a microtask, as bytes are released', async () => {
    const b = new FrameBudget(100, { smallFrameBytes: 10 });
    expect(b.tryReserve(90)).toBe(true);
    const order: string[] = [];
    b.wait(50, () => order.push('a50'));
    b.wait(20, () => order.push('b20'));
    expect(b.tryReserve(20)).toBe(false); // b20 waits ahead: no overtaking within a class
    expect(b.waiters).toBe(2);
    b.release(90);
    expect(order).toEqual([]); // never called inside release()
    await settle();
    expect(order).toEqual(['a50', 'b20']);
    expect(b.usedBytes).toBe(70);
    expect(b.waiters).toBe(0);
  });

  it('keeps the reserved part for small frames: huge frames cannot starve ordinary requests', async () => {
    const b = new FrameBudget(100, { smallFrameBytes: 10, reservedForSmall: 25 });
    expect(b.tryReserve(40)).toBe(true);
    expect(b.tryReserve(35)).toBe(true);
    expect(b.tryReserve(20)).toBe(false); // large: would eat into the small frames' part
    let granted = false;
    b.wait(20, () => (granted = true));
    for (let i = 0; i < 2; i++) expect(b.tryReserve(10)).toBe(true); // small frames pass the large waiter
    expect(b.tryReserve(10)).toBe(false); // the budget is full
    b.release(40);
    await settle();
    expect(granted).toBe(true);
    expect(b.usedBytes).toBe(35 + 20 + 20);
  });

  it('cancel withdraws a waiter, gives back bytes granted but not yet delivered, and is a no-op after delivery', async () => {
    const b = new FrameBudget(100, { smallFrameBytes: 10 });
    b.tryReserve(100);
    const delivered: string[] = [];
    const first = b.wait(60, () => delivered.push('first'));
    const second = b.wait(40, () => delivered.push('second'));
    first.cancel();
    b.release(50);
    second.cancel(); // granted in release(), its callback not run yet: the bytes come back
    await settle();
    expect(delivered).toEqual([]);
    expect(b.usedBytes).toBe(50);
    const third = b.wait(50, () => delivered.push('third'));
    await settle();
    expect(delivered).toEqual(['third']);
    third.cancel(); // the caller owns the bytes now
    expect(b.usedBytes).toBe(100);
  });

  it('refuses a wait that could never be granted instead of hanging', () => {
    const b = new FrameBudget(100, { smallFrameBytes: 10, reservedForSmall: 25 });
    expect(() => b.wait(76, () => undefined)).toThrow(RangeError);
    expect(() => b.wait(101, () => undefined)).toThrow(RangeError);
  });
});
