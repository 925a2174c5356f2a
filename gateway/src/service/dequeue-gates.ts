import type { Stats } from '../../../core/src/interfaces/stats';
import { AsyncSemaphore } from '../util/async-semaphore';

/**
 * PinLater's per-queue dequeue concurrency (FACTS §3.6): an AsyncSemaphore per queue with
 * `BACKEND_DEQUEUE_CONCURRENCY_PER_QUEUE_PER_SHARD × shards` permits and MAX_CONCURRENT_REQUESTS
 * waiters; overflow rejects (→ UNKNOWN). Created on demand; the gauge is set once at creation, as
 * PinLater does.
 */
export class DequeueGates {
  private readonly gates = new Map<string, AsyncSemaphore>();

  constructor(
    private readonly permitsPerQueue: number,
    private readonly maxWaiters: number,
    private readonly stats: Stats,
  ) {}

  forQueue(queue: string): AsyncSemaphore {
    let gate = this.gates.get(queue);
    if (!gate) {
      gate = new AsyncSemaphore(this.permitsPerQueue, this.maxWaiters);
      this.gates.set(queue, gate);
      this.stats.gauge(`dequeue-semaphore-waiters-${queue}`, gate.numWaiters);
    }
    return gate;
  }
}
