import type { Pool } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { AckItem } from '../datastore/job-acks';
import { groupBy } from '../datastore/job-refs';
import type { PacerJobRef } from '../descriptors/pacer-descriptor';
import { ackLeasedSucceeded, settledRows, type LeasedAck } from '../datastore/lease-acks';
import { JobState } from '../../../core/src/types/job-state';
import type { ServedLeases } from './served-leases';
import type { SettledNotices } from './settled-notices';
import { pacerStatNames } from './pacer-stat-names';

/**
 * Lease mode (issue 15): success acks of jobs this API served are written here, by the lease the
 * broker's dequeue reply named (served-leases.ts), in one lease-ack-succeeded.sql statement per
 * custom status, instead of crossing to the broker. The owning brokers learn of them through a
 * gathered notice (settled-notices.ts) and re-read the rows before dropping anything.
 *
 * The statement settles a row only if it is still open under that lease (PENDING, settled_lease <
 * lease_id), so an entry gone stale (the job checkpointed through another gateway and claimed by a
 * new lease, or its claim timed out) changes nothing. When fewer rows changed than were named, the
 * rows are read back: an ack whose row is SUCCEEDED by exactly its lease was applied, every other
 * one takes the broker's path, where the broker's lease map names each job's current lease, and is
 * applied as it would have been without this shortcut. Failure acks always take the broker's
 * path (their entries here are dropped): a failure with attempts left makes the job pending
 * again, which only its broker can serve safely.
 */
export class DirectLeaseAcks {
  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
    private readonly served: ServedLeases,
    private readonly notices: SettledNotices,
    private readonly stats: Stats,
  ) {}

  /** Writes the success acks it can; returns those left for the broker's path. */
  async ackSucceeded(succeeded: AckItem[]): Promise<AckItem[]> {
    const leased: LeasedAck[] = [];
    const rest: AckItem[] = [];
    for (const a of succeeded) {
      const leaseId = this.served.take(a.ref);
      if (leaseId === undefined) rest.push(a);
      else leased.push({ queue: a.queue, ref: a.ref, info: a.info, leaseId, claimDescriptor: '' });
    }
    if (leased.length === 0) return succeeded;
    const changed = await ackLeasedSucceeded(this.pool, leased, this.clock.nowMs());
    const { applied, missed } = changed === leased.length ? { applied: leased, missed: [] } : await this.readBack(leased);
    if (missed.length > 0) this.stats.incr(pacerStatNames.directAcksRouted, missed.length);
    if (applied.length > 0) this.stats.incr(pacerStatNames.directAcks, applied.length);
    for (const [queue, acks] of groupBy(applied, (a) => a.queue)) this.notices.add(queue, acks.map((a) => ({ partition: a.ref.partition, id: a.ref.id })));
    return missed.length === 0 ? rest : [...rest, ...missed];
  }

  /**
   * Jobs whose failure ack or checkpoint goes to the broker: their entries here are dropped (a
   * checkpoint claims the job again by a new lease; a retried job may be served again elsewhere).
   */
  forget(items: ReadonlyArray<{ ref: PacerJobRef }>): void {
    for (const { ref } of items) this.served.take(ref);
  }

  /** Sends the notices gathered so far and waits for them (the backend's close()). */
  close(): Promise<void> {
    return this.notices.close();
  }

  /**
   * After a statement that changed fewer rows than it named, the rows read back: an ack whose row
   * is SUCCEEDED by exactly its lease was applied (by this statement, or by the same ack through
   * another path, which is the same outcome); any other was not, and goes to the broker.
   */
  private async readBack(leased: readonly LeasedAck[]): Promise<{ applied: LeasedAck[]; missed: LeasedAck[] }> {
    const rows = await settledRows(this.pool, [...new Set(leased.map((a) => a.ref.id))]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const applied: LeasedAck[] = [];
    const missed: LeasedAck[] = [];
    for (const a of leased) {
      const r = byId.get(a.ref.id);
      (r !== undefined && r.state === JobState.SUCCEEDED && r.settledLease === a.leaseId ? applied : missed).push(a);
    }
    return { applied, missed };
  }
}
