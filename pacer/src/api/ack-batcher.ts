import type { AckItem } from '../datastore/job-acks';
import { GroupCommit } from '../util/group-commit';
import type { BrokerWriteRouter } from './broker-write-router';
import type { DirectAcks } from './direct-acks';

/** Ack batches of one gateway in flight at once (the next batch forms while they run). */
export const ACKS_IN_FLIGHT = 2;

interface AckCall {
  succeeded: AckItem[];
  failed: AckItem[];
}

/**
 * Group commit for acks: an ack call goes out at once while fewer than ACKS_IN_FLIGHT ack batches
 * run; beyond that the acks of concurrent calls accumulate and go out together next. A batch's
 * success acks of jobs this API served are written here (direct-acks.ts: one statement per status
 * and claim kind); the rest, and every failure ack, go to the brokers owning their partitions
 * (broker-write-router.ts), successes before failures, as within one call. Every caller resolves
 * only after its acks committed; a failed write fails every caller of the batch.
 */
export class AckBatcher {
  private readonly group: GroupCommit<AckCall, void>;

  constructor(
    private readonly router: BrokerWriteRouter,
    private readonly direct: DirectAcks,
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
    const succeeded = calls.flatMap((c) => c.succeeded);
    const rest = succeeded.length === 0 ? succeeded : await this.direct.ackSucceeded(succeeded);
    const failed = calls.flatMap((c) => c.failed);
    this.direct.forget(failed);
    if (rest.length > 0 || failed.length > 0) await this.router.ack(rest, failed);
  }
}
