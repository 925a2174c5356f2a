import type { Pool } from 'mysql2/promise';
import { ackFailed, ackSucceeded, type AckItem, type QueueHints } from './job-acks';
import { groupBy } from './job-refs';
import { ackLeasedFailed, ackLeasedSucceeded, type LeasedAck } from './lease-acks';
import { selectRows } from './mysql-pool';
import { leaseRuleSql, partitionRangeLeases } from './lease-read-rule';

/** Most job ids one lease-of-jobs read names. */
const MAX_IDS_PER_READ = 1000;

/**
 * Acks the API writes itself, when no broker can take them (lease mode; broker-write-router.ts):
 * the lease claiming each job is looked up by THE RULE (lease-of-jobs.sql), then the job is settled
 * by it (lease-ack-*.sql re-check on the locked row that it still does, so a broker's ack of the
 * same job racing this one settles it once); jobs no lease claims are acked as per-job claims. The
 * owning broker finds the settled jobs later (its refills re-read leased rows; its monitor pass
 * collects settled leases). Returns where failures with attempts left made jobs pending again.
 */
export async function ackInStore(pool: Pool, succeeded: AckItem[], failed: AckItem[], nowMs: number): Promise<QueueHints[]> {
  const leases = await leasesOf(pool, [...succeeded, ...failed]);
  const leased = (acks: AckItem[]): LeasedAck[] => acks.flatMap((a) => {
    const l = leases.get(a.ref.id);
    return l === undefined ? [] : [{ ...a, ...l }];
  });
  const plain = (acks: AckItem[]): AckItem[] => acks.filter((a) => !leases.has(a.ref.id));
  await ackLeasedSucceeded(pool, leased(succeeded), nowMs);
  await ackSucceeded(pool, plain(succeeded), nowMs);
  const hints = await ackFailed(pool, plain(failed), nowMs);
  const retried = await ackLeasedFailed(pool, leased(failed), nowMs);
  if (retried.retryAtMs === undefined) return hints;
  for (const [queue, acks] of groupBy(leased(failed), (a) => a.queue)) {
    const partitions = [...new Set(acks.map((a) => a.ref.partition))];
    hints.push({ queue, hints: partitions.map((partition) => ({ partition, runAfterMs: retried.retryAtMs as number })) });
  }
  return hints;
}

/** The lease claiming each acked job (by job id), per queue, in bounded reads. */
async function leasesOf(pool: Pool, acks: AckItem[]): Promise<Map<number, { leaseId: bigint; claimDescriptor: string }>> {
  const out = new Map<number, { leaseId: bigint; claimDescriptor: string }>();
  for (const [queue, items] of groupBy(acks, (a) => a.queue)) {
    for (let i = 0; i < items.length; i += MAX_IDS_PER_READ) {
      const chunk = items.slice(i, i + MAX_IDS_PER_READ);
      const scope = partitionRangeLeases(queue, chunk.map((a) => a.ref.partition));
      const rows = await selectRows(pool, leaseRuleSql('lease-of-jobs'), [...scope, chunk.map((a) => a.ref.id)]);
      for (const r of rows) out.set(Number(r.job_id), { leaseId: BigInt(String(r.lease_id)), claimDescriptor: String(r.claim_descriptor) });
    }
  }
  return out;
}
