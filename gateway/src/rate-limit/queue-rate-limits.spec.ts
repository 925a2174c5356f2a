import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../../core/src/logging/logger';
import type { QueueLimitRecord, QueueLimitsSnapshot } from '../../../migration/index';
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

describe('QueueRateLimits with queue limits from ZooKeeper (docs/rate-limits.md)', () => {
  const clock = { t: 0, nowMs: () => clock.t };
  beforeEach(() => (clock.t = 0));
  const limit = (queue: string, maxJobsPerSecond: number | null, paused = false, version = 1): QueueLimitRecord => ({
    format: 1, queue, maxJobsPerSecond, paused, version, changedAt: '2025-01-01T00:00:00.000Z', changedBy: 'alice', reason: 'test',
  });
  const snapshot = (limits: QueueLimitRecord[], gatewayCount = 1, limitsVersion = 1): QueueLimitsSnapshot => ({
    limitsVersion, limits: new Map(limits.map((l) => [l.queue, l])), gatewayCount, invalidRecords: 0, limitsNodeMissing: false,
  });

  it('a paused queue refuses every dequeue; a rate is divided by the live gateways', () => {
    const l = new QueueRateLimits(clock);
    l.applyZookeeperLimits(snapshot([limit('p', 50, true), limit('zero', 0), limit('r', 30)], 3));
    expect(l.allowDequeue('p', 1)).toBe(false);
    expect(l.allowDequeue('zero', 1)).toBe(false);
    expect(l.rateOf('r')).toBe(10);
    expect(l.allowDequeue('r', 10)).toBe(true);
    expect(l.allowDequeue('r', 1)).toBe(false); // 10 permits at 10/s: the next one in 1 s
    clock.t = 1000;
    expect(l.allowDequeue('r', 1)).toBe(true);
    expect(l.allowDequeue('free', 1_000_000)).toBe(true);
  });

  it('wins over queue_config.json for the queues it names, logged once; clearing it brings the file back', () => {
    const { logger, lines } = capture();
    const l = new QueueRateLimits(clock, logger, true);
    l.setQueueConfig({ queues: [{ name: 'q', maxJobsPerSecond: 0 }, { name: 'other', maxJobsPerSecond: 7 }] });
    l.applyZookeeperLimits(snapshot([limit('q', 100)], 2));
    l.applyZookeeperLimits(snapshot([limit('q', 100)], 2, 2));
    expect(l.allowDequeue('q', 1)).toBe(true);
    expect(l.rateOf('q')).toBe(50);
    expect(l.rateOf('other')).toBe(7); // the file's, divided by the serverset (1)
    expect(lines().filter((m) => m.includes('overrides queue_config.json'))).toHaveLength(1);
    expect(l.report().queues).toEqual([
      { queue: 'other', source: 'queue_config', fleetMaxJobsPerSecond: 7, perGatewayMaxJobsPerSecond: 7, dividedBy: 1, paused: false },
      expect.objectContaining({ queue: 'q', source: 'zookeeper', fleetMaxJobsPerSecond: 100, perGatewayMaxJobsPerSecond: 50, dividedBy: 2, paused: false, recordVersion: 1, overridesQueueConfig: { fleetMaxJobsPerSecond: 0 } }),
    ]);
    expect(l.report().zookeeper).toEqual({ enabled: true, loaded: true, limitsVersion: 2, gatewayCount: 2, invalidRecords: 0, limitsNodeMissing: false });
    l.applyZookeeperLimits(snapshot([], 2, 3));
    expect(l.allowDequeue('q', 1)).toBe(false); // queue_config.json's pause again
    expect(l.report().queues.map((q) => [q.queue, q.source])).toEqual([['other', 'queue_config'], ['q', 'queue_config']]);
    l.applyZookeeperLimits(snapshot([limit('q', 100)], 2, 4));
    expect(lines().filter((m) => m.includes('overrides queue_config.json'))).toHaveLength(2); // once each time it starts
  });

  it('keeps a limiter (its debt) while its per-gateway rate is unchanged; a new gateway count gives a fresh one', () => {
    const l = new QueueRateLimits(clock);
    l.applyZookeeperLimits(snapshot([limit('q', 10)], 1, 1));
    expect(l.allowDequeue('q', 10)).toBe(true);
    l.applyZookeeperLimits(snapshot([limit('q', 10), limit('x', 1)], 1, 2));
    expect(l.allowDequeue('q', 1)).toBe(false);
    l.applyZookeeperLimits(snapshot([limit('q', 10), limit('x', 1)], 2, 2));
    expect(l.rateOf('q')).toBe(5);
    expect(l.allowDequeue('q', 1)).toBe(true);
  });

  it('without ZooKeeper limits reports queue_config.json only, as PinLater serves it', () => {
    const l = new QueueRateLimits(clock, undefined, true);
    l.setQueueConfig({ queues: [{ name: 'q', maxJobsPerSecond: 0 }] });
    l.setServerCount(2);
    expect(l.report()).toEqual({
      zookeeper: { enabled: false, loaded: false, limitsVersion: null, gatewayCount: null, invalidRecords: 0, limitsNodeMissing: false },
      queueConfig: { enabled: true, serverCount: 2 },
      queues: [{ queue: 'q', source: 'queue_config', fleetMaxJobsPerSecond: 0, perGatewayMaxJobsPerSecond: 0, dividedBy: 2, paused: true }],
    });
  });
});

function capture(): { logger: Logger; lines: () => string[] } {
  const out: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines: () => out };
}
