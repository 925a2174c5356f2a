import { formatPacerDescriptor, type PacerJobRef } from '../descriptors/pacer-descriptor';

/** Most jobs remembered; the oldest go first (their acks then take the broker's path). */
export const MAX_SERVED_LEASES = 65_536;

/**
 * Lease mode (issue 15): the lease claiming each job this API served, as its broker's dequeue
 * reply named it, so a success ack arriving here is written by that lease without a broker hop
 * (direct-lease-acks.ts). Keyed by the job's whole descriptor (queue, partition, priority, id), as
 * the broker formatted it: an ack whose descriptor names the job differently is not found, and
 * takes the broker's path. Bounded (MAX_SERVED_LEASES, oldest out first); an entry is used once.
 * An entry may be stale (the job checkpointed through another gateway, its claim timed out): the
 * direct ack then changes fewer rows than it named and the acks go to the broker, whose lease map
 * is the truth.
 */
export class ServedLeases {
  private readonly byDescriptor = new Map<string, bigint>();

  constructor(private readonly capacity = MAX_SERVED_LEASES) {}

  get size(): number {
    return this.byDescriptor.size;
  }

  /** A broker's dequeue reply: `leaseIds` parallel to its jobs (a length mismatch is ignored whole). */
  remember(jobs: ReadonlyArray<{ descriptor: string }>, leaseIds: readonly bigint[] | undefined): void {
    if (leaseIds === undefined || leaseIds.length !== jobs.length) return;
    jobs.forEach(({ descriptor: d }, i) => {
      const leaseId = leaseIds[i] as bigint;
      if (leaseId <= 0n) return;
      this.byDescriptor.delete(d); // re-inserted last: a job served again is the newest entry
      this.byDescriptor.set(d, leaseId);
    });
    for (const oldest of this.byDescriptor.keys()) {
      if (this.byDescriptor.size <= this.capacity) break;
      this.byDescriptor.delete(oldest);
    }
  }

  /** The lease of a served job, removed (an ack or checkpoint uses it once); undefined when not served here. */
  take(ref: PacerJobRef): bigint | undefined {
    const key = formatPacerDescriptor(ref);
    const leaseId = this.byDescriptor.get(key);
    this.byDescriptor.delete(key);
    return leaseId;
  }
}
