import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryStats } from '../../../core/src/interfaces/stats';
import { silentLogger } from '../../../core/src/logging/logger';
import { RedisHealthChecker } from './redis-health-checker';

function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) return resolve();
      if (Date.now() > deadline) return reject(new Error('condition not reached'));
      setTimeout(tick, 2);
    };
    tick();
  });
}

describe('RedisHealthChecker (FACTS §8)', () => {
  it('starts live, dies after N consecutive failures, lives after M consecutive successes', async () => {
    const stats = new MemoryStats();
    const checker = new RedisHealthChecker({
      pingIntervalMs: 5, consecutiveFailures: 3, consecutiveSuccesses: 2, stats, logger: silentLogger(), initialDelayMs: 0,
    });
    const answers: boolean[] = [false, false, true, false, false, false, true, false, true, true];
    let pings = 0;
    const view = checker.addServer('h', 1, async () => {
      const answer = answers[pings] ?? true;
      pings += 1;
      if (pings === 4) throw new Error('connection refused');
      return answer;
    });
    // same host:port: registered once, and both registrations share one live view
    expect(checker.addServer('h', 1, async () => false)).toBe(view);
    expect(checker.isLive('h', 1)).toBe(true);
    expect(view.live).toBe(true);
    checker.start();
    // pings 1,2 fail, 3 succeeds (resets), 4,5,6 fail -> dead after the 6th
    await waitFor(() => pings >= 6);
    await waitFor(() => !checker.isLive('h', 1));
    expect(view.live).toBe(false);
    expect(stats.counter('healthcheck_dead_h_1')).toBe(1);
    // 7 succeeds, 8 fails (resets successes), 9 and 10 succeed -> live after the 10th
    await waitFor(() => checker.isLive('h', 1));
    expect(view.live).toBe(true);
    expect(pings).toBeGreaterThanOrEqual(10);
    expect(stats.counter('heartbeat_failures_h_1')).toBe(6);
    await checker.stop();
    const after = pings;
    await sleep(30);
    expect(pings).toBe(after);
  });

  it('waits interval + random(interval) before the first ping', async () => {
    let first = 0;
    const started = Date.now();
    const checker = new RedisHealthChecker({
      pingIntervalMs: 40, consecutiveFailures: 1, consecutiveSuccesses: 1, stats: new MemoryStats(), logger: silentLogger(), random: () => 0.5,
    });
    checker.addServer('h', 2, async () => {
      first ||= Date.now() - started;
      return true;
    });
    checker.start();
    await waitFor(() => first > 0);
    await checker.stop();
    expect(first).toBeGreaterThanOrEqual(55);
  });
});
