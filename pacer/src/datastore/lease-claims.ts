import type { Pool } from 'mysql2/promise';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { checkLeaseId, epochOfLeaseId } from './claim-lease-id';
import { decodeJobIds } from './claim-lease-job-ids';
import { selectRows } from './mysql-pool';
import { fencedOwners, type OwnerRef } from './partition-owners';
import { sql, sqlWithSlots } from './sql-loader';
import { CLAIM_DESCRIPTOR_MAX_CHARS } from './tables';

/** One dequeue's jobs of one partition, to claim under one new lease (a broker-store ClaimGroup with its lease). */
export interface LeaseClaimGroup {
  owner: OwnerRef;
  claimDescriptor: string;
  ids: number[];
  /** From the partition's lease counter (PartitionLeases.nextLeaseId): carries the owner's epoch. */
  leaseId: bigint;
}

/** A lease the claim wrote, with the jobs it names (those still claimable when it committed). */
export interface WrittenLease {
  owner: OwnerRef;
  leaseId: bigint;
  claimDescriptor: string;
  jobIds: number[];
}

/** A broker-store ClaimOutcome with the leases written. */
export interface LeaseClaimOutcome {
  claimed: Set<number>;
  /** Owners whose epoch is no longer current: nothing of theirs was claimed. */
  fenced: OwnerRef[];
  /** The claim time (the leases' claimed_at_ms). */
  atMs: number;
  leases: WrittenLease[];
}

/**
 * Claims a claim batch in lease mode, in ONE autocommit statement (lease-claim.sql: one round trip,
 * one commit): per group, one lease naming the group's jobs still PENDING and due, read LOCK IN
 * SHARE MODE with the owner row that fences it; no job row is written. A group none of whose jobs
 * survived writes no lease; a group whose owner no longer holds its partition at its epoch is
 * fenced (nothing of it was claimed): for the groups without a lease, the owner rows are read to
 * tell which. Retried whole when InnoDB rolls it back on a lock conflict.
 */
export async function claimLeases(pool: Pool, groups: LeaseClaimGroup[], nowMs: number): Promise<LeaseClaimOutcome> {
  const live = groups.filter((g) => g.ids.length > 0);
  if (live.length === 0) return { claimed: new Set(), fenced: [], atMs: nowMs, leases: [] };
  for (const g of live) checkGroup(g);
  const text = sqlWithSlots('lease-claim', { leaseSelects: live.map(() => `(${sql('lease-claim-select')})`).join(' UNION ALL ') });
  const params = live.flatMap((g) => [g.leaseId, g.claimDescriptor, nowMs, g.owner.queue, g.owner.partition, g.owner.ownerId, g.owner.epoch, g.ids, nowMs]);
  const rows = await withMysqlRetries(() => selectRows(pool, text, params));
  const written = new Map(rows.map((r) => [leaseKey(String(r.queue), Number(r.part), BigInt(String(r.lease_id))), decodeJobIds(String(r.job_ids))]));
  const outcome: LeaseClaimOutcome = { claimed: new Set(), fenced: [], atMs: nowMs, leases: [] };
  const unwritten: LeaseClaimGroup[] = [];
  for (const g of live) {
    const jobIds = written.get(leaseKey(g.owner.queue, g.owner.partition, g.leaseId));
    if (jobIds === undefined) {
      unwritten.push(g);
      continue;
    }
    outcome.leases.push({ owner: g.owner, leaseId: g.leaseId, claimDescriptor: g.claimDescriptor, jobIds });
    for (const id of jobIds) outcome.claimed.add(id);
  }
  if (unwritten.length > 0) outcome.fenced.push(...(await fencedOwners(pool, unwritten.map((g) => g.owner))));
  return outcome;
}

function leaseKey(queue: string, partition: number, leaseId: bigint): string {
  return JSON.stringify([queue, partition, leaseId.toString()]);
}

/** A group's lease must carry its owner's epoch; its descriptor must fit the column. */
function checkGroup(g: LeaseClaimGroup): void {
  checkLeaseId(g.leaseId);
  if (epochOfLeaseId(g.leaseId) !== g.owner.epoch) throw new RangeError(`lease ${g.leaseId} does not carry its owner's epoch ${g.owner.epoch}`);
  if (g.claimDescriptor.length > CLAIM_DESCRIPTOR_MAX_CHARS) throw new RangeError(`claim descriptor longer than ${CLAIM_DESCRIPTOR_MAX_CHARS} characters`);
}
