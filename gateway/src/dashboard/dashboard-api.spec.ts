import type { ShadowInspector, ShadowQueueReport } from '../../../core/src/shadow/shadow-report';
import { queueDetail, type DashboardSource } from './dashboard-api';

const REPORT: ShadowQueueReport = { queue: 'q', methods: [], dropped: 3, jobsCopied: 10, jobsDrained: 4, samples: [] };

function sourceWith(report: ShadowQueueReport): DashboardSource {
  const inspector: ShadowInspector = { queues: () => ['q'], report: (queue) => (queue === 'q' ? report : undefined) };
  return {
    history: undefined,
    queues: () => ['q'],
    knows: (queue) => queue === 'q',
    routeOf: () => ({ mode: 'shadow', legacyCluster: 'redis-a' }),
    holders: () => new Set(['redis-a', 'pacer-shadow']),
    shadow: () => inspector,
    clock: { nowMs: () => 1_000_000 },
  };
}

describe('queueDetail shadow', () => {
  it('passes through the copies shed and since when the shadow copy is incomplete', () => {
    const detail = queueDetail(sourceWith({ ...REPORT, copiesShed: 2, copyIncompleteSince: '2026-01-02T03:04:05.000Z' }), 'q', 10);
    expect(detail?.shadow).toMatchObject({ dropped: 3, copiesShed: 2, copyIncompleteSince: '2026-01-02T03:04:05.000Z' });
  });

  it('a complete copy: no copies shed, copyIncompleteSince null (also for reports without the fields)', () => {
    expect(queueDetail(sourceWith(REPORT), 'q', 10)?.shadow).toMatchObject({ copiesShed: 0, copyIncompleteSince: null });
    expect(queueDetail(sourceWith({ ...REPORT, copiesShed: 0 }), 'q', 10)?.shadow).toMatchObject({ copiesShed: 0, copyIncompleteSince: null });
  });
});
