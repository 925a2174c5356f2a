/**
 * The acks a worker owes the gateway, sent in batches: each job's outcome is added when its handler
 * finishes, and the next dequeue carries up to `maxAcksPerCall` of them in its `jobAckRequest`
 * (PinLater's dequeueAck, FACTS §3.6); what is left at shutdown goes in one final ackDequeuedJobs.
 *
 * A call that fails gives its acks back (`putBack`), in front and in their order, so they go out
 * with the next call: PinLater does not run piggybacked acks of a rate-limited dequeue, and after a
 * lost connection nobody knows whether they ran. Resending is safe: an ack of a job that is no
 * longer IN_PROGRESS changes nothing on Redis, Pacer and (for failures) MySQL; MySQL re-applies a
 * success ack (same state, its status appended again; FACTS §11.6).
 */
export interface AckItem {
  readonly descriptor: string;
  readonly result: 'succeeded' | 'failed';
  /** `appendCustomStatus`; absent: none sent. */
  readonly appendCustomStatus?: string;
  /** Failed only: `retryDelayMillis`, when PinLater runs the job again (if attempts remain). */
  readonly retryDelayMs?: number;
}

/** The `PinLaterJobAckRequest` a batch becomes (the shape `PinLaterThriftClient` takes). */
export interface AckRequestSpec {
  queue: string;
  succeeded?: Array<{ descriptor: string; appendCustomStatus?: string }>;
  failed?: Array<{ descriptor: string; appendCustomStatus?: string; retryDelayMs?: number }>;
}

export class AckBatch {
  private items: AckItem[] = [];

  get size(): number {
    return this.items.length;
  }

  add(item: AckItem): void {
    this.items.push(item);
  }

  /** Removes and returns the oldest `max` items (all when fewer). */
  take(max: number): AckItem[] {
    return this.items.splice(0, Math.max(0, max));
  }

  /** Gives back items taken for a call that failed: in front, in their order. */
  putBack(taken: readonly AckItem[]): void {
    if (taken.length > 0) this.items = [...taken, ...this.items];
  }

  /** Descriptors still owed (for logs when they cannot be sent). */
  descriptors(): string[] {
    return this.items.map((i) => i.descriptor);
  }
}

/** The ack request of `items` for `queue`; a list with no items is left out. */
export function ackRequestOf(queue: string, items: readonly AckItem[]): AckRequestSpec {
  const succeeded = items.filter((i) => i.result === 'succeeded').map((i) => ({
    descriptor: i.descriptor, ...(i.appendCustomStatus === undefined ? {} : { appendCustomStatus: i.appendCustomStatus }),
  }));
  const failed = items.filter((i) => i.result === 'failed').map((i) => ({
    descriptor: i.descriptor,
    ...(i.appendCustomStatus === undefined ? {} : { appendCustomStatus: i.appendCustomStatus }),
    ...(i.retryDelayMs === undefined ? {} : { retryDelayMs: i.retryDelayMs }),
  }));
  return { queue, ...(succeeded.length > 0 ? { succeeded } : {}), ...(failed.length > 0 ? { failed } : {}) };
}
