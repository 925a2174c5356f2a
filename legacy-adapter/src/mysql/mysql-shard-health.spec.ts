import { ShardHealthWindow } from './mysql-shard-health';

describe('MySQL shard health window (FACTS §8)', () => {
  const clock = { t: 0, nowMs() { return this.t; } };

  it('turns unhealthy only with a full window under the threshold, and resets after the period', () => {
    const h = new ShardHealthWindow(clock, { windowSize: 100, healthySuccessThreshold: 75, unhealthyResetMs: 60_000 });
    for (let i = 0; i < 99; i++) h.record(false);
    expect(h.isHealthy()).toBe(true); // window not full
    h.record(false);
    expect(h.isHealthy()).toBe(false);
    clock.t += 59_999;
    expect(h.isHealthy()).toBe(false);
    clock.t += 1;
    expect(h.isHealthy()).toBe(true);
    expect(h.snapshot()).toEqual({ healthy: true, samples: 0, successes: 0 });
  });

  it('stays healthy at exactly the threshold and slides the window', () => {
    const h = new ShardHealthWindow(clock, { windowSize: 4, healthySuccessThreshold: 3, unhealthyResetMs: 10 });
    [true, true, true, false].forEach((s) => h.record(s));
    expect(h.isHealthy()).toBe(true);
    h.record(false); // drops the oldest success: 2 of 4
    expect(h.isHealthy()).toBe(false);
  });
});
