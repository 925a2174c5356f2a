import type { Pool } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import { ackFailed, ackSucceeded, type AckItem, type QueueHints } from '../datastore/job-acks';
import { GroupCommit } from '../util/group-commit';
import type { BrokerWriteRouter } from './broker-write-router';
import type { DirectLeaseAcks } from './direct-lease-acks';

/** Jobs became pending again (failure acks with attempts left): tell the owning brokers. */
export type PendingListener = (hints: QueueHints[]) => Promise<void>;

/** Ack batches of one gateway in flight at once (the next batch forms while they run). */
export const ACKS_IN_FLIGHT = 2;

interface AckCall {
  succeeded: AckItem[];
  failed: AckItem[];
}

/**
 * Group commit for acks: an ack call goes out at once while fewer than ACKS_IN_FLIGHT ack batches
 * run; beyond that the acks of concurrent calls accumulate and go out together next (one UPDATE
 * per status for successes, one done/retry pair per (status, delay) for failures, all queues at
 * once). Successes of a batch are applied before its failures, as within one call. Every caller
 * resolves only after its acks committed and the brokers were told about retries; a failed
 * statement fails every caller of the batch.
 */
export class AckBatcher {
  private readonly group: GroupCommit<AckCall, void>;

  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
    private readonly onPending: PendingListener,
    /** Lease mode: each batch goes to the owning brokers (they settle leases and re-buffer retries) instead of MySQL. */
    private readonly router?: BrokerWriteRouter,
    /** Lease mode: success acks of jobs this API served, written by their lease first (direct-lease-acks.ts). */
    private readonly direct?: DirectLeaseAcks,
  ) {
    this.group = new GroupCommit((calls) => this.apply(calls), ACKS_IN_FLIGHT);
  }

  submit(succeeded: AckItem[], failed: AckItem[]): Promise<void> {
    if (succeeded.length === 0 && failed.length === 0) return Promise.resolve();
    return this.group.submit({ succeeded, failed });
  }

  /** Resolves when every ack call submitted before this call has finished (later ones are not awaited). */
  flushed(): Promise<void> {
    return this.group.flushed();
  }

  private async apply(calls: AckCall[]): Promise<void> {
    if (this.router !== undefined) {
      const succeeded = calls.flatMap((c) => c.succeeded);
      const rest = this.direct === undefined || succeeded.length === 0 ? succeeded : await this.direct.ackSucceeded(succeeded);
      const failed = calls.flatMap((c) => c.failed);
      this.direct?.forget(failed);
      if (rest.length > 0 || failed.length > 0) await this.router.ack(rest, failed);
      return;
    }
    const now = this.clock.nowMs();
    await ackSucceeded(this.pool, calls.flatMap((c) => c.succeeded), now);
    const failed = calls.flatMap((c) => c.failed);
    if (failed.length > 0) await this.onPending(await ackFailed(this.pool, failed, now));
  }
}
