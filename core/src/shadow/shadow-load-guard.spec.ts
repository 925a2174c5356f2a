import { EventLoopLoad } from './event-loop-load';
import { ShadowLoadGuard } from './shadow-load-guard';
import { TokenBucket } from './token-bucket';

const LIMITS = { maxEventLoopUtilization: 0.7, copyMaxEventLoopUtilization: 0.9, maxTasksPerSecond: 0 };

function manualClock(): { nowMs: () => number; advance: (ms: number) => void } {
  let now = 1_000_000;
  return { nowMs: () => now, advance: (ms) => (now += ms) };
}

describe('EventLoopLoad', () => {
  it('reads the utilization of the last window from the counters’ deltas', () => {
    const readings = [{ idle: 0, active: 0 }, { idle: 75, active: 25 }, { idle: 85, active: 115 }];
    const load = new EventLoopLoad(60_000, () => readings.shift() ?? { idle: 85, active: 115 });
    expect(load.utilization()).toBe(0);
    load.sample();
    expect(load.utilization()).toBeCloseTo(0.25);
    load.sample();
    expect(load.utilization()).toBeCloseTo(0.9);
    load.sample(); // no time passed: the last reading stays
    expect(load.utilization()).toBeCloseTo(0.9);
    load.close();
  });
});

describe('TokenBucket', () => {
  it('admits a second’s worth at once, then refills at its rate', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(10, clock);
    expect(Array.from({ length: 11 }, () => bucket.take()).filter(Boolean)).toHaveLength(10);
    clock.advance(250);
    expect(Array.from({ length: 5 }, () => bucket.take()).filter(Boolean)).toHaveLength(2);
  });
});

describe('ShadowLoadGuard', () => {
  it('sheds compare tasks above maxEventLoopUtilization and copy tasks only above the copy limit', () => {
    let utilization = 0.5;
    const guard = new ShadowLoadGuard(LIMITS, { utilization: () => utilization }, manualClock());
    expect([guard.admits('compare'), guard.admits('copy')]).toEqual([true, true]);
    utilization = 0.8;
    expect([guard.admits('compare'), guard.admits('copy')]).toEqual([false, true]);
    utilization = 0.95;
    expect([guard.admits('compare'), guard.admits('copy')]).toEqual([false, false]);
  });

  it('caps the shadow task rate when maxTasksPerSecond is set', () => {
    const clock = manualClock();
    const guard = new ShadowLoadGuard({ ...LIMITS, maxTasksPerSecond: 2 }, { utilization: () => 0 }, clock);
    expect([guard.admits('copy'), guard.admits('compare'), guard.admits('compare')]).toEqual([true, true, false]);
    clock.advance(500);
    expect(guard.admits('compare')).toBe(true);
  });
});
