import type { Pool } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { AckItem } from '../datastore/job-acks';
import { ackLeasedSucceeded, type LeasedAck } from '../datastore/lease-acks';
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
 * whole batch of successes takes the broker's path, where the broker's lease map names each job's
 * current lease: an ack the direct statement applied is a no-op there (the row is SUCCEEDED), one
 * it did not is applied as it would have been without this shortcut. Failure acks always take the
 * broker's path: a failure with attempts left makes the job pending again, which only its broker
 * can serve safely.
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
      else leased.push({ ...a, leaseId, claimDescriptor: '' });
    }
    if (leased.length === 0) return succeeded;
    const changed = await ackLeasedSucceeded(this.pool, leased, this.clock.nowMs());
    if (changed !== leased.length) {
      this.stats.incr(pacerStatNames.directAcksRouted, leased.length);
      return succeeded;
    }
    this.stats.incr(pacerStatNames.directAcks, leased.length);
    for (const [queue, refs] of byQueue(leased)) this.notices.add(queue, refs);
    return rest;
  }
}

function byQueue(acks: readonly LeasedAck[]): Map<string, Array<{ partition: number; id: number }>> {
  const out = new Map<string, Array<{ partition: number; id: number }>>();
  for (const a of acks) {
    const refs = out.get(a.queue) ?? [];
    refs.push({ partition: a.ref.partition, id: a.ref.id });
    out.set(a.queue, refs);
  }
  return out;
}
