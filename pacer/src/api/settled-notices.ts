/**
 * How long settled jobs gather before their brokers are told (one notice per broker and queue, one
 * MySQL read on the broker's side). The broker deletes emptied leases about once a second anyway.
 */
export const SETTLED_NOTICE_DELAY_MS = 100;
/** Most jobs one notice names; a fuller buffer goes out at once. */
export const MAX_SETTLED_PER_NOTICE = 2000;
/** Notices in flight at once; beyond, jobs are left to the brokers' held-lease sweep (counted). */
export const MAX_NOTICES_IN_FLIGHT = 4;

/** A job of a queue by partition and row id. */
export interface SettledRef {
  partition: number;
  id: number;
}

/** Sends one queue's settled jobs to their owning brokers (BrokerNotifier.notifySettled). */
export type SettledSender = (queue: string, refs: SettledRef[]) => Promise<void>;

/** Jobs not sent (notices in flight at their bound, or added after close): the brokers' sweep finds them. */
export type DroppedListener = (jobs: number) => void;

/**
 * Lease mode: jobs this API acked itself by their lease (direct-acks.ts), gathered for
 * SETTLED_NOTICE_DELAY_MS and sent to their owning brokers in one notice per queue, so a broker
 * drops them from its lease map and deletes the emptied leases without a notice per ack. Best
 * effort, like every notice: the acks are committed; a broker that misses one finds the jobs
 * settled by its held-lease sweep (dequeue-broker.ts). At most MAX_NOTICES_IN_FLIGHT notices run
 * at once; jobs beyond are dropped and counted. `close()` sends what is left and waits for every
 * notice; jobs added after it are dropped.
 */
export class SettledNotices {
  private readonly byQueue = new Map<string, SettledRef[]>();
  private readonly sending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private gathered = 0;
  private closed = false;

  constructor(
    private readonly send: SettledSender,
    private readonly onDropped: DroppedListener = () => undefined,
    private readonly delayMs = SETTLED_NOTICE_DELAY_MS,
  ) {}

  add(queue: string, refs: readonly SettledRef[]): void {
    if (refs.length === 0) return;
    if (this.closed) {
      this.onDropped(refs.length);
      return;
    }
    const list = this.byQueue.get(queue) ?? [];
    list.push(...refs);
    this.byQueue.set(queue, list);
    this.gathered += refs.length;
    if (this.gathered >= MAX_SETTLED_PER_NOTICE) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** Sends everything gathered now. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.gathered = 0;
    for (const [queue, refs] of this.byQueue) {
      for (let i = 0; i < refs.length; i += MAX_SETTLED_PER_NOTICE) {
        const chunk = refs.slice(i, i + MAX_SETTLED_PER_NOTICE);
        if (this.sending.size >= MAX_NOTICES_IN_FLIGHT) {
          this.onDropped(chunk.length);
          continue;
        }
        const sent: Promise<void> = this.send(queue, chunk).catch(() => this.onDropped(chunk.length)).finally(() => this.sending.delete(sent));
        this.sending.add(sent);
      }
    }
    this.byQueue.clear();
  }

  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    await Promise.allSettled([...this.sending]);
  }
}
