import type { BrokerEndpoint } from '../interfaces/partition-directory';
import { PartitionOwnerWatch, type OwnerView } from './partition-owner-watch';

const B = { host: 'b', port: 1 };

/** A routing view the spec moves by hand: owned partitions (`q_0`), freshness, change listeners. */
class HandView implements OwnerView {
  owned = new Set<string>();
  fresh = true;
  staleForMs = 0;
  private readonly listeners = new Set<() => void>();

  brokerFor(queue: string, partition: number): BrokerEndpoint | undefined {
    return this.owned.has(`${queue}_${partition}`) ? B : undefined;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): { fresh: boolean; staleForMs: number; zookeeper: string } {
    return { fresh: this.fresh, staleForMs: this.staleForMs, zookeeper: this.fresh ? 'CONNECTED' : 'LOST' };
  }

  set(owned: string[]): void {
    this.owned = new Set(owned);
    for (const l of [...this.listeners]) l();
  }
}

const QUEUES = [{ name: 'q', numPartitions: 2 }, { name: 'r', numPartitions: 1 }];
let now = 1_000_000;
const clock = { nowMs: (): number => now };
let view: HandView;
let watch: PartitionOwnerWatch;

beforeEach(() => {
  view = new HandView();
  view.set(['q_0', 'q_1', 'r_0']);
  watch = new PartitionOwnerWatch(view, clock, { graceMs: 5000, staleLimitMs: 4000 });
  watch.track(QUEUES);
});

afterEach(() => watch.close());

describe('PartitionOwnerWatch', () => {
  it('every partition owned: nothing unserved', () => {
    expect(watch.judge(QUEUES)).toEqual({
      ownership: { queues: 2, partitions: 3, unowned: 0, unownedPastGrace: 0, graceMs: 5000, viewStaleForMs: 0, viewStaleLimitMs: 9000 },
    });
  });

  it('a partition without owner counts only after the grace period, timed from the view change, and leaves at once when served', () => {
    view.set(['q_0', 'r_0']); // q_1 lost its owner now
    now += 5000;
    expect(watch.judge(QUEUES)).toMatchObject({ ownership: { unowned: 1, unownedPastGrace: 0 } });
    expect(watch.judge(QUEUES).unserved).toBeUndefined(); // a hand-off within the grace period
    now += 1;
    expect(watch.judge(QUEUES).unserved).toEqual({
      detail: '1 partition(s) of 1 queue(s) without a live broker in the routing view for more than 5.0 s: their jobs cannot be dequeued',
      queueCount: 1, queues: ['q'], partitionCount: 1, partitions: ['q_1'],
    });
    view.set(['q_0', 'q_1', 'r_0']);
    expect(watch.judge(QUEUES).unserved).toBeUndefined();
  });

  it('a queue first seen without owners (created elsewhere) is timed from that first sight', () => {
    const more = [...QUEUES, { name: 's', numPartitions: 30 }];
    expect(watch.judge(more).unserved).toBeUndefined();
    now += 6000;
    const { unserved } = watch.judge(more);
    expect(unserved).toMatchObject({ queueCount: 1, queues: ['s'], partitionCount: 30 });
    expect(unserved?.partitions).toHaveLength(20); // bounded
  });

  it('a routing view stale past the session timeout + grace: every queue counts as unserved', () => {
    view.fresh = false;
    view.staleForMs = 9000;
    expect(watch.judge(QUEUES).unserved).toBeUndefined();
    view.staleForMs = 9001;
    expect(watch.judge(QUEUES).unserved).toEqual({
      detail: 'routing view not fresh for 9.0 s (ZooKeeper LOST), beyond the session timeout + grace (9.0 s): no partition owner can be confirmed',
      queueCount: 2, queues: ['q', 'r'], partitionCount: 3, partitions: ['q_0', 'q_1', 'r_0'],
    });
  });
});
