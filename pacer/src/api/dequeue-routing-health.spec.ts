import { DequeueRoutingHealth } from './dequeue-routing-health';
import { dequeueRoutingHealth } from './dequeue-routing-status';

function clockAt(start: number): { nowMs: () => number; advance: (ms: number) => void } {
  let now = start;
  return { nowMs: () => now, advance: (ms) => (now += ms) };
}

const connected = { cluster: 'pacer', zookeeper: 'CONNECTED' as const, zookeeperStateForMs: 60_000, fresh: true, lastReadMs: 1_000_000, staleForMs: 0 };

describe('dequeue routing health', () => {
  it('counts refused dequeues over a sliding window and remembers their partitions (bounded)', () => {
    const clock = clockAt(1_000_000);
    const h = new DequeueRoutingHealth(clock, 10_000);
    h.refused('q', [0, 1]);
    clock.advance(4000);
    h.refused('q', [1]);
    expect(h.snapshot()).toEqual({ refusedDequeues: 2, windowMs: 10_000, unservablePartitions: ['q_1', 'q_0'] });
    clock.advance(7000);
    expect(h.snapshot().refusedDequeues).toBe(1);
    for (let p = 0; p < 50; p += 1) h.refused('r', [p]);
    expect(h.snapshot().unservablePartitions).toHaveLength(20);
    clock.advance(11_000);
    expect(h.snapshot()).toEqual({ refusedDequeues: 0, windowMs: 10_000, unservablePartitions: [] });
  });

  it('healthy only when ZooKeeper is connected, the view fresh and nothing was refused lately', () => {
    const none = { refusedDequeues: 0, windowMs: 10_000, unservablePartitions: [] };
    expect(dequeueRoutingHealth(connected, none, 1_000_500)).toMatchObject({ healthy: true, detail: 'ok', viewReadAgoMs: 500 });
    const lost = dequeueRoutingHealth({ ...connected, zookeeper: 'LOST', zookeeperStateForMs: 2500, fresh: false }, none);
    expect(lost.healthy).toBe(false);
    expect(lost.detail).toBe('ZooKeeper LOST for 2.5 s: dequeues are routed by the last known view');
    const rereading = dequeueRoutingHealth({ ...connected, fresh: false }, none);
    expect(rereading).toMatchObject({ healthy: false, detail: 'the routing view is being re-read after a reconnection' });
    const refused = dequeueRoutingHealth(connected, { refusedDequeues: 3, windowMs: 10_000, unservablePartitions: ['q_1'] });
    expect(refused.detail).toBe('3 dequeue(s) refused in the last 10 s: jobs ready but no live broker serves q_1');
  });
});
