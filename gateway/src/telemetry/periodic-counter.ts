/**
 * The timed recount behind the queue samplers (queue-depth-sampler.ts, queue-backlog-sampler.ts):
 * each round plans its work items, counts them with at most `concurrency` counts in flight, and
 * then replaces the last round's values with the new ones. A count that fails keeps the previous
 * round's value under its key; an item not planned any more is dropped. A round still running when
 * the timer fires is not doubled. After `close()` no count starts and a round in flight does not
 * replace the values.
 */

export interface PeriodicCounterDeps<W, V> {
  /** The round's work items, read at its start. */
  readonly plan: () => readonly W[] | Promise<readonly W[]>;
  /** The key an item's value is kept under from one round to the next. */
  readonly keyOf: (item: W) => string;
  readonly count: (item: W) => Promise<V>;
  /** A count failed (its previous value is kept). */
  readonly failed: (item: W, err: unknown) => void;
  readonly concurrency: number;
}

export class PeriodicCounter<W, V> {
  private values = new Map<string, V>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly deps: PeriodicCounterDeps<W, V>) {}

  /** The last round's values by key. */
  get current(): ReadonlyMap<string, V> {
    return this.values;
  }

  /**
   * Counts once now, then on each tick of the interval `every` creates (the caller creates it, so
   * that the timer is seen as the sampler's own); the interval is unref()ed.
   */
  start(every: (tick: () => void) => NodeJS.Timeout): void {
    this.round = this.sample();
    this.timer = every(() => {
      if (this.round === undefined) this.round = this.sample();
    });
    this.timer.unref();
  }

  /** One round. */
  async sample(): Promise<void> {
    try {
      const next = await this.countAll(await this.deps.plan());
      if (!this.closed) this.values = next;
    } finally {
      this.round = undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  private async countAll(work: readonly W[]): Promise<Map<string, V>> {
    const next = new Map<string, V>();
    let i = 0;
    const worker = async (): Promise<void> => {
      while (!this.closed && i < work.length) {
        const item = work[i++] as W;
        const key = this.deps.keyOf(item);
        try {
          next.set(key, await this.deps.count(item));
        } catch (e) {
          const previous = this.values.get(key);
          if (previous !== undefined) next.set(key, previous);
          this.deps.failed(item, e);
        }
      }
    };
    await Promise.all(Array.from({ length: this.deps.concurrency }, worker));
    return next;
  }
}
