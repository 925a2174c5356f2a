import { formatPacerDescriptor, type PacerJobRef } from '../descriptors/pacer-descriptor';

/** Most jobs remembered; the oldest go first (their acks then take the broker's path). */
export const MAX_SERVED_CLAIMS = 65_536;

/** The claim of a job its broker claimed per job (a reply without lease ids): no lease. */
export const PER_JOB_CLAIM = 0n;

/**
 * How each job this API served was claimed, as its broker's dequeue reply said: by the lease it
 * named (claim leases, issue 15), or per job (PER_JOB_CLAIM: the reply named no leases), so a
 * success ack arriving here is written by this API without a broker hop (direct-acks.ts). Keyed by
 * the job's whole descriptor (queue, partition, priority, id), as the broker formatted it: an ack
 * whose descriptor names the job differently is not found, and takes the broker's path. Bounded
 * (MAX_SERVED_CLAIMS, oldest out first); an entry is used once. An entry may be stale (the job
 * checkpointed through another gateway, its claim timed out) or wrong (a lease broker of a release
 * before lease ids in replies): the direct ack then changes fewer rows than it named, and the acks
 * it did not apply go to the broker, whose lease map is the truth.
 */
export class ServedClaims {
  private readonly byDescriptor = new Map<string, bigint>();

  constructor(private readonly capacity = MAX_SERVED_CLAIMS) {}

  get size(): number {
    return this.byDescriptor.size;
  }

  /**
   * A broker's dequeue reply: `leaseIds` parallel to its jobs, or undefined from a per-job broker
   * (a length mismatch is ignored whole; a lease id 0, the broker knowing none, reads as per job).
   */
  remember(jobs: ReadonlyArray<{ descriptor: string }>, leaseIds: readonly bigint[] | undefined): void {
    if (leaseIds !== undefined && leaseIds.length !== jobs.length) return;
    jobs.forEach(({ descriptor: d }, i) => {
      const leaseId = leaseIds === undefined ? PER_JOB_CLAIM : (leaseIds[i] as bigint);
      if (leaseId < 0n) return;
      this.byDescriptor.delete(d); // re-inserted last: a job served again is the newest entry
      this.byDescriptor.set(d, leaseId);
    });
    for (const oldest of this.byDescriptor.keys()) {
      if (this.byDescriptor.size <= this.capacity) break;
      this.byDescriptor.delete(oldest);
    }
  }

  /**
   * The claim of a served job (a lease id, or PER_JOB_CLAIM), removed (used once); undefined when
   * not served here. `text`, the descriptor `ref` was parsed from (never another), is looked up
   * first as it is: a client echoes the broker's text, so the key is usually found without
   * formatting one (formatting was most of this method's cost: docs/pacer-performance.md). Text
   * written any other way that parses to the same job is found by its canonical form, as before.
   */
  take(ref: PacerJobRef, text?: string): bigint | undefined {
    if (text !== undefined) {
      const echoed = this.byDescriptor.get(text);
      if (echoed !== undefined) {
        this.byDescriptor.delete(text);
        return echoed;
      }
    }
    const key = formatPacerDescriptor(ref);
    const leaseId = this.byDescriptor.get(key);
    this.byDescriptor.delete(key);
    return leaseId;
  }
}
