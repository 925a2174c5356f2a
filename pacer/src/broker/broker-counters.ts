/** What a broker counts (served by the `status` RPC and read by the benchmark). */
export interface BrokerCounters {
  dequeueCalls: number;
  /** Dequeue calls that waited for a MySQL refill read. */
  dequeueReads: number;
  /** Dequeue calls that waited for MySQL refill reads and those reads found nothing new. */
  emptyDequeueReads: number;
  /** MySQL refill reads of one partition and priority. */
  refills: number;
  /** Refill reads that found no job not already buffered. */
  emptyRefills: number;
  claimBatches: number;
  claimedJobs: number;
  /** Buffered jobs found gone at claim time (acked/deleted while pending). */
  vanishedJobs: number;
  fencedClaims: number;
  /**
   * Dequeues claimed per job in lease mode because their gateway needs it (a release before
   * 2026-12-05: no `acksByClaim`). Rising means such gateways still run (runbooks/pacer-claim-mode.md).
   */
  perJobOnlyDequeues: number;
  /**
   * Dequeues claimed per job in lease mode because a live broker of the cluster does not honour
   * leases (a release before them; coordination/lease-capable-cluster.ts).
   */
  leasesWithheldDequeues: number;
  /** Safety sweeps run, and how many of them re-read every owned partition. */
  sweeps: number;
  fullSweeps: number;
}

export function newBrokerCounters(): BrokerCounters {
  return { dequeueCalls: 0, dequeueReads: 0, emptyDequeueReads: 0, refills: 0, emptyRefills: 0, claimBatches: 0, claimedJobs: 0, vanishedJobs: 0, fencedClaims: 0, perJobOnlyDequeues: 0, leasesWithheldDequeues: 0, sweeps: 0, fullSweeps: 0 };
}
