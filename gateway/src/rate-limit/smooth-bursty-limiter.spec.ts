import { SmoothBurstyLimiter } from './smooth-bursty-limiter';

function clockAt(start = 0) {
  const c = { t: start, nowMs: () => c.t };
  return c;
}

describe('SmoothBurstyLimiter (Guava SmoothBursty, tryAcquire without wait)', () => {
  it('rate 10: allow(10) then immediately allow(1) is refused (PinLaterQueueConfigTest)', () => {
    const clock = clockAt();
    const l = new SmoothBurstyLimiter(10, clock);
    expect(l.tryAcquire(10)).toBe(true);
    expect(l.tryAcquire(1)).toBe(false);
    clock.t = 999;
    expect(l.tryAcquire(1)).toBe(false);
    clock.t = 1000;
    expect(l.tryAcquire(1)).toBe(true);
  });

  it('grants any size when there is no debt, and charges it all', () => {
    const clock = clockAt();
    const l = new SmoothBurstyLimiter(1, clock);
    expect(l.tryAcquire(100)).toBe(true);
    clock.t = 99_999;
    expect(l.tryAcquire(1)).toBe(false);
    clock.t = 100_000;
    expect(l.tryAcquire(1)).toBe(true);
  });

  it('stores at most one second of permits while idle', () => {
    const clock = clockAt();
    const l = new SmoothBurstyLimiter(10, clock);
    clock.t = 60_000; // idle for a minute: only 10 permits stored
    expect(l.tryAcquire(10)).toBe(true); // paid from storage, no debt
    expect(l.tryAcquire(10)).toBe(true); // now 1 s of debt
    expect(l.tryAcquire(1)).toBe(false);
    clock.t = 61_000;
    expect(l.tryAcquire(1)).toBe(true);
  });
});
