import type { Pool } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import type { Stats } from '../../../core/src/interfaces/stats';
import { ackSucceeded, type AckItem } from '../datastore/job-acks';
import { groupBy } from '../datastore/job-refs';
import type { PacerJobRef } from '../descriptors/pacer-descriptor';
import { ackLeasedSucceeded, settledRows, type LeasedAck, type SettledRow } from '../datastore/lease-acks';
import { JobState } from '../../../core/src/types/job-state';
import { PER_JOB_CLAIM, type ServedClaims } from './served-claims';
import type { SettledNotices } from './settled-notices';
import { pacerStatNames } from './pacer-stat-names';

/** What a direct write did: the acks it applied and those it did not (they take the broker's path). */
interface Outcome<T> {
  applied: T[];
  missed: T[];
}

/**
 * Success acks of jobs this API served are written here, as the broker's dequeue reply said each
 * was claimed (served-claims.ts), instead of crossing to the broker:
 * - by the lease it named: one lease-ack-succeeded.sql statement per custom status; the owning
 *   brokers learn of them through a gathered notice (settled-notices.ts) and re-read the rows
 *   before dropping anything;
 * - claimed per job (a per-job broker): one ack-succeeded.sql statement per custom status, as a
 *   per-job gateway always wrote them.
 *
 * Either statement changes a row only if it is still open under that claim (a lease: PENDING,
 * `settled_lease < lease_id`; per job: IN_PROGRESS), so an entry gone stale (the job checkpointed
 * through another gateway, its claim timed out) or wrong (a reply without lease ids from a lease
 * broker of an earlier release) changes nothing. When fewer rows changed than were named, the rows
 * are read back: an ack whose row is SUCCEEDED (by exactly its lease, for a lease) was applied,
 * every other one takes the broker's path, where the broker's lease map names each job's current
 * claim, and is applied as it would have been without this shortcut. So no ack depends on which
 * claim mode this API or its brokers were configured with. Failure acks always take the broker's
 * path (their entries here are dropped): a failure with attempts left makes the job pending again,
 * which only its broker can serve safely.
 */
export class DirectAcks {
  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
    private readonly served: ServedClaims,
    private readonly notices: SettledNotices,
    private readonly stats: Stats,
  ) {}

  /** Writes the success acks it can; returns those left for the broker's path. */
  async ackSucceeded(succeeded: AckItem[]): Promise<AckItem[]> {
    const leased: LeasedAck[] = [];
    const perJob: AckItem[] = [];
    const rest: AckItem[] = [];
    for (const a of succeeded) {
      const leaseId = this.served.take(a.ref, a.info.descriptor);
      if (leaseId === undefined) rest.push(a);
      else if (leaseId === PER_JOB_CLAIM) perJob.push(a);
      else leased.push({ queue: a.queue, ref: a.ref, info: a.info, leaseId, claimDescriptor: '' });
    }
    if (leased.length === 0 && perJob.length === 0) return succeeded;
    const nowMs = this.clock.nowMs();
    const byLease = await this.ackDirect(leased, (acks) => ackLeasedSucceeded(this.pool, acks, nowMs), (a, r) => r.state === JobState.SUCCEEDED && r.settledLease === a.leaseId);
    const byJob = await this.ackDirect(perJob, (acks) => ackSucceeded(this.pool, acks, nowMs), (_a, r) => r.state === JobState.SUCCEEDED);
    const missed = byLease.missed.length + byJob.missed.length;
    const applied = byLease.applied.length + byJob.applied.length;
    if (missed > 0) this.stats.incr(pacerStatNames.directAcksRouted, missed);
    if (applied > 0) this.stats.incr(pacerStatNames.directAcks, applied);
    for (const [queue, acks] of groupBy(byLease.applied, (a) => a.queue)) this.notices.add(queue, acks.map((a) => ({ partition: a.ref.partition, id: a.ref.id })));
    return missed === 0 ? rest : [...rest, ...byLease.missed, ...byJob.missed];
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
   * One direct statement over `acks` (`write` returns the rows it changed). When fewer rows changed
   * than were named, the rows are read back: an ack whose row `settled` says was applied was (by
   * this statement, or by the same ack through another path, which is the same outcome); any other
   * was not, and goes to the broker.
   */
  private async ackDirect<T extends { ref: PacerJobRef }>(
    acks: T[], write: (acks: T[]) => Promise<number>, settled: (ack: T, row: SettledRow) => boolean,
  ): Promise<Outcome<T>> {
    if (acks.length === 0) return { applied: [], missed: [] };
    if ((await write(acks)) === acks.length) return { applied: acks, missed: [] };
    const rows = await settledRows(this.pool, [...new Set(acks.map((a) => a.ref.id))]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out: Outcome<T> = { applied: [], missed: [] };
    for (const a of acks) {
      const r = byId.get(a.ref.id);
      (r !== undefined && settled(a, r) ? out.applied : out.missed).push(a);
    }
    return out;
  }
}
