import type { Pool } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import { ackFailed, ackSucceeded, type AckItem, type QueueHints } from '../datastore/job-acks';

interface Waiter {
  succeeded: AckItem[];
  failed: AckItem[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Jobs became pending again (failure acks with attempts left): tell the owning brokers. */
export type PendingListener = (hints: QueueHints[]) => Promise<void>;

/**
 * Group commit for acks: an ack call goes out at once when no ack batch is running; while one runs,
 * the acks of concurrent calls accumulate and go out together next (one UPDATE per status for
 * successes, one done/retry pair per (status, delay) for failures, all queues at once). Successes
 * of a batch are applied before its failures, as within one call. Every caller resolves only after
 * its acks committed and the brokers were told about retries; a failed statement fails every
 * caller of the batch (nothing of theirs may be assumed applied).
 */
export class AckBatcher {
  private waiting: Waiter[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
    private readonly onPending: PendingListener,
  ) {}

  submit(succeeded: AckItem[], failed: AckItem[]): Promise<void> {
    if (succeeded.length === 0 && failed.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ succeeded, failed, resolve, reject });
      this.running ??= this.drain().finally(() => {
        this.running = undefined;
      });
    });
  }

  /** Resolves when no ack batch is running or waiting. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        const now = this.clock.nowMs();
        await ackSucceeded(this.pool, batch.flatMap((w) => w.succeeded), now);
        const failed = batch.flatMap((w) => w.failed);
        if (failed.length > 0) await this.onPending(await ackFailed(this.pool, failed, now));
        for (const w of batch) w.resolve();
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
  }
}
