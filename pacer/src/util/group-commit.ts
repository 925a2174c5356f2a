interface Waiter<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: submitted items go out at once while fewer than `maxInFlight` batches run; beyond
 * that they accumulate and the next free slot takes all of them as one batch. Every submitter
 * resolves with its batch's result after the batch finished, or rejects with its error (nothing of
 * a failed batch may be assumed applied, so every member sees the failure).
 */
export class GroupCommit<I, R> {
  private waiting: Array<Waiter<I, R>> = [];
  private inFlight = 0;
  private readonly outstanding = new Set<Promise<unknown>>();

  constructor(
    private readonly run: (items: I[]) => Promise<R>,
    private readonly maxInFlight: number,
  ) {}

  submit(item: I): Promise<R> {
    const result = new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
    const forget = (): void => {
      this.outstanding.delete(settled);
    };
    const settled: Promise<void> = result.then(forget, forget);
    this.outstanding.add(settled);
    return result;
  }

  /** Resolves when every item submitted before this call has settled (later ones are not awaited). */
  async flushed(): Promise<void> {
    await Promise.all([...this.outstanding]);
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      this.inFlight += 1;
      Promise.resolve()
        .then(() => this.run(batch.map((w) => w.item)))
        .then(
          (result) => {
            for (const w of batch) w.resolve(result);
          },
          (e: unknown) => {
            for (const w of batch) w.reject(e);
          },
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
