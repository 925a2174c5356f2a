import { ambiguousDrillQueues } from './drill-queues';

describe('ambiguousDrillQueues', () => {
  it('names only the drills\' oncall_ queues among the ambiguous ones', () => {
    const status = JSON.stringify({
      records: [{ queue: 'oncall_probe' }],
      ambiguous: [{ queue: 'oncall_route_probe', systems: ['local-redis', 'pacer'] }, { queue: 'demo_redis', systems: ['local-redis', 'pacer'] }],
    });
    expect(ambiguousDrillQueues(status)).toEqual(['oncall_route_probe']);
  });

  it('reads a status without ambiguous queues', () => {
    expect(ambiguousDrillQueues(JSON.stringify({ ambiguous: [] }))).toEqual([]);
    expect(ambiguousDrillQueues(JSON.stringify({}))).toEqual([]);
  });
});
