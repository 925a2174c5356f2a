import { QueueRateLimits } from './queue-rate-limits';
import { countServers } from './serverset';

describe('QueueRateLimits (PinLaterQueueConfig)', () => {
  const clock = { t: 0, nowMs: () => clock.t };
  beforeEach(() => (clock.t = 0));

  it('unconfigured queues are always allowed; rate <= 0 always denies', () => {
    const l = new QueueRateLimits(clock);
    l.setQueueConfig({ queues: [{ name: 'paused', maxJobsPerSecond: 0 }, { name: 'neg', maxJobsPerSecond: -1 }] });
    expect(l.allowDequeue('free', 1_000_000)).toBe(true);
    expect(l.allowDequeue('paused', 1)).toBe(false);
    expect(l.allowDequeue('neg', 1)).toBe(false);
  });

  it('per-server rate = rate / servers; a size change rebuilds, an empty serverset is ignored', () => {
    const l = new QueueRateLimits(clock);
    l.setQueueConfig({ queues: [{ name: 'q', maxJobsPerSecond: 100 }] });
    expect(l.rateOf('q')).toBe(100);
    l.setServerCount(countServers('h1:9010\n\nh2:9010\n  \nh3:9010\n'));
    expect(l.rateOf('q')).toBeCloseTo(100 / 3);
    l.setServerCount(0);
    expect(l.serverCount).toBe(3);
  });

  it('an empty queues list keeps the old limits', () => {
    const l = new QueueRateLimits(clock);
    l.setQueueConfig({ queues: [{ name: 'q', maxJobsPerSecond: 0 }] });
    l.setQueueConfig({ queues: [] });
    l.setQueueConfig({ queues: null });
    expect(l.allowDequeue('q', 1)).toBe(false);
  });
});
