import type { Clock } from '../../../core/src/util/clock';
import type { DequeueRateLimiter } from '../service/pinlater-service-impl';
import type { QueueConfigSchema } from './queue-config-schema';
import { SmoothBurstyLimiter } from './smooth-bursty-limiter';

interface QueueLimiter {
  readonly rate: number;
  tryAcquire(permits: number): boolean;
}

/** rate <= 0 pauses the queue: every dequeue is refused (PinLater's QueueRateLimiter.ALLOW_NONE). */
const ALLOW_NONE: QueueLimiter = { rate: 0, tryAcquire: () => false };

/**
 * PinLaterQueueConfig (FACTS §3.7): per-queue limiters with rate = maxJobsPerSecond / number of
 * servers. Queues without a configured rate are always allowed. A new config or a changed server
 * count rebuilds every limiter (fresh state); a config whose `queues` is null/empty keeps the old
 * limiters.
 */
export class QueueRateLimits implements DequeueRateLimiter {
  private schema: QueueConfigSchema | undefined;
  private numServers = 1;
  private limiters = new Map<string, QueueLimiter>();

  constructor(private readonly clock: Clock) {}

  /** Callers check PinLater's preconditions (non-blank queue, limit > 0) first. */
  allowDequeue(queue: string, limit: number): boolean {
    const limiter = this.limiters.get(queue);
    return limiter ? limiter.tryAcquire(limit) : true;
  }

  /** The per-server rate in force, `undefined` when the queue is not limited. */
  rateOf(queue: string): number | undefined {
    return this.limiters.get(queue)?.rate;
  }

  get serverCount(): number {
    return this.numServers;
  }

  setQueueConfig(schema: QueueConfigSchema): void {
    this.schema = schema;
    this.rebuild();
  }

  /** An empty serverset is ignored (keeps the old size); an unchanged size changes nothing. */
  setServerCount(count: number): void {
    if (count <= 0 || count === this.numServers) return;
    this.numServers = count;
    this.rebuild();
  }

  private rebuild(): void {
    const queues = this.schema?.queues;
    if (!queues || queues.length === 0) return;
    const next = new Map<string, QueueLimiter>();
    for (const q of queues) {
      const rate = q.maxJobsPerSecond / this.numServers;
      next.set(q.name, rate > 0 ? new SmoothBurstyLimiter(rate, this.clock) : ALLOW_NONE);
    }
    this.limiters = next;
  }
}
