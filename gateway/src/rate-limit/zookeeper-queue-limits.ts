import type { Clock } from '../../../core/src/util/clock';
import { isPausedLimit, type QueueLimitRecord, type QueueLimitsSnapshot } from '../../../migration/index';
import { ALLOW_NONE, type QueueLimiter } from './queue-limiter';
import { SmoothBurstyLimiter } from './smooth-bursty-limiter';

/** One queue's ZooKeeper limit in force on this gateway. */
export interface AppliedZookeeperLimit {
  readonly record: QueueLimitRecord;
  /** `maxJobsPerSecond / gatewayCount`; 0 when paused. */
  readonly perGatewayRate: number;
  readonly paused: boolean;
  readonly limiter: QueueLimiter;
}

/**
 * The queue limits from ZooKeeper (docs/rate-limits.md) as limiters: each gateway allows
 * `maxJobsPerSecond / number of live gateways` (PinLater's per-server division, the gateways'
 * presences standing for its serverset); paused or a rate of 0 refuses every dequeue. A queue
 * keeps its limiter's state while its per-gateway rate and pause are unchanged; a change (of the
 * record or of the gateway count) gives it a fresh limiter, as PinLater's rebuild does.
 */
export class ZookeeperQueueLimits {
  private applied = new Map<string, AppliedZookeeperLimit>();
  private snapshot: QueueLimitsSnapshot | undefined;

  constructor(private readonly clock: Clock) {}

  get loaded(): boolean {
    return this.snapshot !== undefined;
  }

  get current(): QueueLimitsSnapshot | undefined {
    return this.snapshot;
  }

  limitOf(queue: string): AppliedZookeeperLimit | undefined {
    return this.applied.get(queue);
  }

  queues(): IterableIterator<[string, AppliedZookeeperLimit]> {
    return this.applied.entries();
  }

  apply(snapshot: QueueLimitsSnapshot): void {
    const count = Math.max(1, snapshot.gatewayCount);
    const next = new Map<string, AppliedZookeeperLimit>();
    for (const [queue, record] of snapshot.limits) next.set(queue, this.limitFor(record, count, this.applied.get(queue)));
    this.applied = next;
    this.snapshot = snapshot;
  }

  private limitFor(record: QueueLimitRecord, gatewayCount: number, previous: AppliedZookeeperLimit | undefined): AppliedZookeeperLimit {
    const paused = isPausedLimit(record);
    const perGatewayRate = paused ? 0 : (record.maxJobsPerSecond ?? 0) / gatewayCount;
    if (previous !== undefined && previous.paused === paused && previous.perGatewayRate === perGatewayRate) return { ...previous, record };
    const limiter = paused ? ALLOW_NONE : new SmoothBurstyLimiter(perGatewayRate, this.clock);
    return { record, perGatewayRate, paused, limiter };
  }
}
