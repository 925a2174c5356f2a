import type { Pool } from 'mysql2/promise';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { checkLeaseId, epochOfLeaseId } from './claim-lease-id';
import { insertLeasesIn, type ClaimLease } from './claim-leases';
import { selectRows, withTransaction, type Queryable } from './mysql-pool';
import type { OwnerRef } from './partition-owners';
import { sql } from './sql-loader';
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
 * Claims a claim batch in lease mode, in ONE transaction (one commit): the named jobs still PENDING
 * and due are read LOCK IN SHARE MODE by primary key (lease-claim-lock.sql), then one lease per
 * group naming its survivors is written, fenced by the owner rows (claim-leases.ts,
 * insertLeasesIn); no job row is written. A group none of whose jobs survived writes no lease; a
 * lease the fence rejected names an owner that no longer holds its partition (fenced: nothing of
 * it was claimed). Retried whole when InnoDB rolls it back on a lock conflict.
 */
export function claimLeases(pool: Pool, groups: LeaseClaimGroup[], nowMs: number): Promise<LeaseClaimOutcome> {
  const live = groups.filter((g) => g.ids.length > 0);
  if (live.length === 0) return Promise.resolve({ claimed: new Set(), fenced: [], atMs: nowMs, leases: [] });
  for (const g of live) checkGroup(g);
  return withMysqlRetries(() => withTransaction(pool, (conn) => claimIn(conn, live, nowMs)));
}

async function claimIn(conn: Queryable, groups: LeaseClaimGroup[], nowMs: number): Promise<LeaseClaimOutcome> {
  const rows = await selectRows(conn, sql('lease-claim-lock'), [[...new Set(groups.flatMap((g) => g.ids))], nowMs]);
  const partitionOf = new Map(rows.map((r) => [Number(r.id), partitionKey(String(r.queue), Number(r.part))]));
  const leases: ClaimLease[] = [];
  for (const g of groups) {
    const jobIds = g.ids.filter((id) => partitionOf.get(id) === partitionKey(g.owner.queue, g.owner.partition));
    if (jobIds.length > 0) leases.push({ owner: g.owner, leaseId: g.leaseId, claimDescriptor: g.claimDescriptor, claimedAtMs: nowMs, jobIds });
  }
  const { written, rejected } = await insertLeasesIn(conn, leases);
  const outcome: LeaseClaimOutcome = { claimed: new Set(), fenced: [...new Map(rejected.map((l) => [ownerKey(l.owner), l.owner])).values()], atMs: nowMs, leases: [] };
  for (const l of written) {
    outcome.leases.push({ owner: l.owner, leaseId: l.leaseId, claimDescriptor: l.claimDescriptor, jobIds: [...l.jobIds] });
    for (const id of l.jobIds) outcome.claimed.add(id);
  }
  return outcome;
}

/** A group's lease must carry its owner's epoch; its descriptor must fit the column. */
function checkGroup(g: LeaseClaimGroup): void {
  checkLeaseId(g.leaseId);
  if (epochOfLeaseId(g.leaseId) !== g.owner.epoch) throw new RangeError(`lease ${g.leaseId} does not carry its owner's epoch ${g.owner.epoch}`);
  if (g.claimDescriptor.length > CLAIM_DESCRIPTOR_MAX_CHARS) throw new RangeError(`claim descriptor longer than ${CLAIM_DESCRIPTOR_MAX_CHARS} characters`);
}

function partitionKey(queue: string, partition: number): string {
  return JSON.stringify([queue, partition]);
}

function ownerKey(o: OwnerRef): string {
  return JSON.stringify([o.queue, o.partition, o.ownerId, o.epoch]);
}
