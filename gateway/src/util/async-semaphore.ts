/** Thrown when a semaphore's waiter queue is full (Finagle: RejectedExecutionException). */
export class SemaphoreRejectedError extends Error {
  constructor(message = 'Max waiters exceeded') {
    super(message);
    this.name = 'java.util.concurrent.RejectedExecutionException';
  }
}

/**
 * Twitter's `AsyncSemaphore(permits, maxWaiters)`: FIFO waiters; acquiring when `maxWaiters`
 * callers already wait rejects immediately. `maxWaiters = Infinity` queues without bound
 * (Finagle's request semaphore, FACTS §1.1).
 */
export class AsyncSemaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];

  constructor(
    readonly permits: number,
    readonly maxWaiters = Number.POSITIVE_INFINITY,
  ) {
    if (!(permits >= 1)) throw new Error(`AsyncSemaphore needs at least one permit, got ${permits}`);
    this.available = permits;
  }

  get numWaiters(): number {
    return this.waiters.length;
  }

  get numPermitsAvailable(): number {
    return this.available;
  }

  /** Runs `fn` while holding a permit. Rejects with `SemaphoreRejectedError` when full. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    if (this.waiters.length >= this.maxWaiters) return Promise.reject(new SemaphoreRejectedError());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available++;
  }
}
