import { CopyThrottle } from './copy-throttle';

function clockAt(start = 1_000_000): { nowMs: () => number; advance: (ms: number) => void } {
  let now = start;
  return { nowMs: () => now, advance: (ms) => { now += ms; } };
}

describe('CopyThrottle', () => {
  it('grants at most the rate over time, with a burst of a fifth of a second', () => {
    const clock = clockAt();
    const t = new CopyThrottle(clock, { ratePerSecond: 1000, latencyThresholdMs: 50 });
    expect(t.grant(500)).toBe(0);
    clock.advance(1000);
    expect(t.grant(500)).toBe(200); // burst cap: 1000/5
    let granted = 0;
    for (let i = 0; i < 100; i++) {
      clock.advance(10);
      granted += t.grant(1000);
    }
    expect(granted).toBe(1000); // 1 s of refills at 1000/s
  });

  it('halves the rate when the source is slow, at most once per interval, and recovers slowly', () => {
    const clock = clockAt();
    const t = new CopyThrottle(clock, { ratePerSecond: 1000, latencyThresholdMs: 50 });
    t.observeLatency(200);
    t.observeLatency(200);
    expect(t.effectiveRate()).toBe(500);
    clock.advance(1000);
    t.observeLatency(200);
    expect(t.effectiveRate()).toBe(250);
    t.observeLatency(10);
    expect(t.effectiveRate()).toBeCloseTo(300);
    for (let i = 0; i < 100; i++) t.observeLatency(10);
    expect(t.effectiveRate()).toBe(1000);
  });

  it('never backs off below the minimum factor', () => {
    const clock = clockAt();
    const t = new CopyThrottle(clock, { ratePerSecond: 100, latencyThresholdMs: 5, minFactor: 0.1 });
    for (let i = 0; i < 20; i++) {
      clock.advance(1000);
      t.observeLatency(100);
    }
    expect(t.backoffFactor()).toBe(0.1);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new CopyThrottle(clockAt(), { ratePerSecond: 0, latencyThresholdMs: 5 })).toThrow(RangeError);
    const t = new CopyThrottle(clockAt(), { ratePerSecond: 1, latencyThresholdMs: 5 });
    expect(() => t.setRate(Number.NaN)).toThrow(RangeError);
  });

  it('says how long until the next job', () => {
    const clock = clockAt();
    const t = new CopyThrottle(clock, { ratePerSecond: 10, latencyThresholdMs: 5 });
    expect(t.msUntilNext()).toBe(100);
    clock.advance(100);
    expect(t.msUntilNext()).toBe(0);
  });
});
