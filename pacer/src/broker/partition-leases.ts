import { leaseIdOf, MAX_LEASE_COUNTER } from '../datastore/claim-lease-id';

/** What a leased job's acks need: the lease that claims it. */
export interface HeldLease {
  readonly leaseId: bigint;
  readonly claimDescriptor: string;
  readonly claimedAtMs: number;
}

/**
 * The claim leases of one owned partition (lease mode), in memory: which job each open lease
 * claims. The owner is the only writer of its partition's leases, so this map is the truth about
 * them, except for what other processes settle directly in MySQL (an admin monitor pass, a
 * deleteJobs of IN_PROGRESS jobs): those are found by `settledCheck` (the refill reads the rows).
 * A job in the map is never buffered again until its lease no longer claims it.
 */
export class PartitionLeases {
  private readonly byJob = new Map<number, HeldLease>();
  private readonly open = new Map<bigint, { lease: HeldLease; jobs: Set<number> }>();
  private counter = 0;

  constructor(private readonly epoch: number) {}

  get jobCount(): number {
    return this.byJob.size;
  }

  get leaseCount(): number {
    return this.open.size;
  }

  /** The next lease id of this owner (epoch · 2³² + counter): increasing per partition across owners. */
  nextLeaseId(): bigint {
    if (this.counter >= MAX_LEASE_COUNTER) throw new Error(`lease counter of epoch ${this.epoch} exhausted; reassign the partition`);
    this.counter += 1;
    return leaseIdOf(this.epoch, this.counter);
  }

  /** A lease the store wrote, naming `jobIds` (or one loaded at takeover with its still-open jobs). */
  add(lease: HeldLease, jobIds: readonly number[]): void {
    if (jobIds.length === 0) return;
    const entry = this.open.get(lease.leaseId) ?? { lease, jobs: new Set<number>() };
    this.open.set(lease.leaseId, entry);
    for (const id of jobIds) {
      entry.jobs.add(id);
      this.byJob.set(id, lease);
    }
  }

  leaseOf(jobId: number): HeldLease | undefined {
    return this.byJob.get(jobId);
  }

  /** Every job an open lease claims (the GC check reads their rows). */
  heldJobIds(): number[] {
    return [...this.byJob.keys()];
  }

  has(jobId: number): boolean {
    return this.byJob.has(jobId);
  }

  /** Jobs whose claim was settled (acked, timed out, deleted): returns the leases left with no job (to delete). */
  settle(jobIds: Iterable<number>): bigint[] {
    const emptied: bigint[] = [];
    for (const id of jobIds) {
      const lease = this.byJob.get(id);
      if (lease === undefined) continue;
      this.byJob.delete(id);
      const entry = this.open.get(lease.leaseId);
      if (entry === undefined) continue;
      entry.jobs.delete(id);
      if (entry.jobs.size === 0) {
        this.open.delete(lease.leaseId);
        emptied.push(lease.leaseId);
      }
    }
    return emptied;
  }

  /** Drops whole leases (settled elsewhere, e.g. timed out by a monitor pass). */
  dropLeases(leaseIds: Iterable<bigint>): void {
    for (const leaseId of leaseIds) {
      const entry = this.open.get(leaseId);
      if (entry === undefined) continue;
      this.open.delete(leaseId);
      for (const id of entry.jobs) if (this.byJob.get(id)?.leaseId === leaseId) this.byJob.delete(id);
    }
  }

  /**
   * Of job rows read from MySQL ({id, state, settled_lease}; ids missing = deleted), those no longer
   * claimed by the lease held for them: a row that is not PENDING, or that a lease at or after ours
   * settled. Returns their ids (the caller settles them).
   */
  settledCheck(rows: ReadonlyArray<{ id: number; state: number; settledLease: bigint }>, asked: readonly number[]): number[] {
    const out: number[] = [];
    for (const r of rows) {
      const lease = this.byJob.get(r.id);
      if (lease !== undefined && (r.state !== 0 || r.settledLease >= lease.leaseId)) out.push(r.id);
    }
    if (rows.length >= asked.length) return out; // ids are unique: every one asked has its row
    const seen = new Set(rows.map((r) => r.id));
    for (const id of asked) if (!seen.has(id) && this.byJob.has(id)) out.push(id);
    return out;
  }

  /** Up to `max` jobs of leases claimed before `beforeMs`, in the order the leases were added (the held-lease sweep re-reads them). */
  jobsClaimedBefore(beforeMs: number, max: number): number[] {
    const out: number[] = [];
    for (const { lease, jobs } of this.open.values()) {
      if (out.length >= max) break;
      if (lease.claimedAtMs >= beforeMs) continue;
      for (const id of jobs) {
        if (out.length >= max) break;
        out.push(id);
      }
    }
    return out;
  }

  /** Leases claimed before `beforeMs` (claim timeout candidates). */
  claimedBefore(beforeMs: number): HeldLease[] {
    return [...this.open.values()].filter((e) => e.lease.claimedAtMs < beforeMs).map((e) => e.lease);
  }

  clear(): void {
    this.byJob.clear();
    this.open.clear();
  }
}
