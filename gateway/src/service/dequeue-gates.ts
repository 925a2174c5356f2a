import type { Stats } from '../../../core/src/interfaces/stats';
import { statNames } from '../stats/stat-names';
import { AsyncSemaphore } from '../util/async-semaphore';

/**
 * PinLater's per-queue dequeue concurrency (FACTS §3.6): an AsyncSemaphore per queue with
 * `BACKEND_DEQUEUE_CONCURRENCY_PER_QUEUE_PER_SHARD × shards` permits and MAX_CONCURRENT_REQUESTS
 * waiters; overflow rejects (→ UNKNOWN). The gauge is set once at creation, as PinLater does.
 *
 * Unlike PinLater (one semaphore per name ever seen, kept forever), a queue's semaphore exists only
 * while dequeues of it run or wait, so names clients make up cannot grow memory.
 */
export class DequeueGates {
  private readonly gates = new Map<string, AsyncSemaphore>();

  constructor(
    private readonly permitsPerQueue: number,
    private readonly maxWaiters: number,
    private readonly stats: Stats,
  ) {}

  /** Semaphores currently held (dequeues running or waiting). */
  get size(): number {
    return this.gates.size;
  }

  async run<T>(queue: string, fn: () => Promise<T>): Promise<T> {
    const gate = this.forQueue(queue);
    try {
      return await gate.run(fn);
    } finally {
      if (gate.numPermitsAvailable === gate.permits && gate.numWaiters === 0) this.gates.delete(queue);
    }
  }

  private forQueue(queue: string): AsyncSemaphore {
    let gate = this.gates.get(queue);
    if (!gate) {
      gate = new AsyncSemaphore(this.permitsPerQueue, this.maxWaiters);
      this.gates.set(queue, gate);
      this.stats.gauge(statNames.dequeueWaiters(this.stats.queueSeries(queue)), gate.numWaiters);
    }
    return gate;
  }
}
