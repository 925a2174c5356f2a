import type { Pool } from 'mysql2/promise';
import { liveLeases, MAX_LEASE_PAGE, type ClaimLease } from './claim-leases';
import { execute, selectRows, withTransaction, type Queryable, type Row } from './mysql-pool';
import { holdsOwnership, type OwnerRef } from './partition-owners';
import { keepSettledDescriptors } from './settled-descriptors';
import { sql } from './sql-loader';

/**
 * Claim leases settled without an ack (issue 15; docs/pacer-performance.md, "Claim leases"): the
 * monitor's claim timeouts of leased jobs, and what a broker taking a partition over loads. Both
 * follow THE RULE (leased-jobs.sql): a job row with state 0 is claimed by the highest lease of its
 * partition naming it with lease_id > settled_lease. Deleting settled leases is claim-leases.ts's
 * `deleteLeases` (fenced by the deleting owner).
 */

/** One partition's lease timeout pass: leases claimed before `claimedBeforeMs` time out. */
export interface LeaseTimeoutPass {
  readonly queue: string;
  readonly partition: number;
  readonly claimedBeforeMs: number;
  readonly nowMs: number;
  /** Bound of one pass, in job ids of whole leases (at least one lease is taken). */
  readonly maxJobs: number;
}

export interface LeaseTimeouts {
  /** Jobs on their last attempt, now FAILED. */
  readonly timeoutDone: number;
  /** Jobs PENDING again with one attempt consumed. */
  readonly timeoutRetry: number;
  /** The timed-out leases, settled and deleted. */
  readonly leaseIds: bigint[];
}

export interface OpenLease {
  readonly lease: ClaimLease;
  /** The lease's job ids it still claims (in its order; at least one). */
  readonly openIds: number[];
}

/** A partition's live leases at takeover: those still claiming jobs, and those claiming none (to delete). */
export interface OpenLeases {
  readonly open: OpenLease[];
  readonly settled: ClaimLease[];
}

/** Most jobs one timeout UPDATE or one open-jobs SELECT names. */
const MAX_JOBS_PER_STATEMENT = 1000;

/**
 * Claim timeouts of one partition's leases (FACTS §5.7, as monitor-timeout-*.sql for per-job
 * claims): the jobs a timed-out lease still claims go FAILED on their last attempt, else PENDING
 * with one attempt consumed (run_after unchanged), each settled by the lease; then the leases are
 * deleted. Bounded by `maxJobs` (whole leases). With `owner`, everything runs in one transaction
 * guarded by the partition's epoch (a stale owner changes nothing: `undefined`); `null` (admin
 * `runMonitorOnce`) runs unguarded.
 */
export async function timeOutLeases(pool: Pool, owner: OwnerRef | null, pass: LeaseTimeoutPass): Promise<LeaseTimeouts | undefined> {
  checkBound(pass.maxJobs);
  if (owner === null) return timeOutLeasesIn(pool, pass);
  if (owner.queue !== pass.queue || owner.partition !== pass.partition) {
    throw new Error(`owner of ${owner.queue}/${owner.partition} cannot time out leases of ${pass.queue}/${pass.partition}`);
  }
  return withTransaction(pool, async (conn) => ((await holdsOwnership(conn, owner)) ? timeOutLeasesIn(conn, pass) : undefined));
}

/**
 * timeOutLeases on `db` as it is: the caller's guarded transaction (monitorPartition), or the pool
 * (each statement on its own). Every settling statement re-checks, on the locked row, that the
 * lease still claims the job, so an ack racing with the pass settles each job once.
 */
export async function timeOutLeasesIn(db: Queryable, pass: LeaseTimeoutPass): Promise<LeaseTimeouts> {
  const { queue, partition, nowMs } = pass;
  checkBound(pass.maxJobs);
  const expired = await selectRows(db, sql('lease-timeout-expired'), [queue, partition, pass.claimedBeforeMs, pass.maxJobs]);
  const leaseIds = expired.map((r) => BigInt(String(r.lease_id)));
  if (leaseIds.length === 0) return { timeoutDone: 0, timeoutRetry: 0, leaseIds };
  const claimed = await selectRows(db, sql('lease-timeout-open'), [queue, partition, leaseIds]);
  let timeoutDone = 0;
  let timeoutRetry = 0;
  for (let i = 0; i < claimed.length; i += MAX_JOBS_PER_STATEMENT) {
    const rows = timeoutRows(claimed.slice(i, i + MAX_JOBS_PER_STATEMENT));
    timeoutDone += (await execute(db, sql('lease-timeout-done'), [rows, nowMs, queue, partition])).affectedRows;
    timeoutRetry += (await execute(db, sql('lease-timeout-retry'), [rows, nowMs, queue, partition])).affectedRows;
  }
  await keepSettledDescriptors(db, queue, partition, leaseIds, nowMs);
  await execute(db, sql('lease-timeout-delete'), [queue, partition, leaseIds]);
  return { timeoutDone, timeoutRetry, leaseIds };
}

/**
 * What a broker taking (queue, partition) over loads: every live lease (page by page, `pageSize`
 * at most MAX_LEASE_PAGE) with the job ids it still claims by THE RULE (rows of that partition,
 * state 0, settled_lease below the lease, and no higher lease claiming them), read in bounded
 * chunks by primary key; and the leases claiming no job any more, which the caller deletes.
 */
export async function loadOpenLeases(pool: Pool, queue: string, partition: number, pageSize = MAX_LEASE_PAGE): Promise<OpenLeases> {
  const leases = await allLeases(pool, queue, partition, pageSize);
  const settledLease = await openRows(pool, queue, partition, leases);
  const claimOf = claimingLeases(leases, settledLease);
  const out: { open: OpenLease[]; settled: ClaimLease[] } = { open: [], settled: [] };
  for (const lease of leases) {
    const openIds = [...new Set(lease.jobIds)].filter((id) => claimOf.get(id) === lease.leaseId);
    if (openIds.length > 0) out.open.push({ lease, openIds });
    else out.settled.push(lease);
  }
  return out;
}

/** Every lease of the partition, in lease id order. */
async function allLeases(pool: Pool, queue: string, partition: number, pageSize: number): Promise<ClaimLease[]> {
  const out: ClaimLease[] = [];
  for (;;) {
    const after = out[out.length - 1]?.leaseId;
    const page = await liveLeases(pool, queue, partition, after === undefined ? { limit: pageSize } : { limit: pageSize, afterLeaseId: after });
    out.push(...page);
    if (page.length < pageSize) return out;
  }
}

/** The settled_lease of each leased job row still PENDING in the partition (lease-open-jobs.sql), by id. */
async function openRows(pool: Pool, queue: string, partition: number, leases: readonly ClaimLease[]): Promise<Map<number, bigint>> {
  const ids = [...new Set(leases.flatMap((l) => l.jobIds))].sort((a, b) => a - b);
  const out = new Map<number, bigint>();
  for (let i = 0; i < ids.length; i += MAX_JOBS_PER_STATEMENT) {
    const rows = await selectRows(pool, sql('lease-open-jobs'), [ids.slice(i, i + MAX_JOBS_PER_STATEMENT), queue, partition]);
    for (const r of rows) out.set(Number(r.id), BigInt(String(r.settled_lease)));
  }
  return out;
}

/** For each open job, the lease claiming it: the highest lease naming it above its settled_lease. */
function claimingLeases(leases: readonly ClaimLease[], settledLease: ReadonlyMap<number, bigint>): Map<number, bigint> {
  const claimOf = new Map<number, bigint>();
  for (const lease of leases) {
    for (const id of lease.jobIds) {
      const settled = settledLease.get(id);
      const held = claimOf.get(id);
      if (settled !== undefined && settled < lease.leaseId && (held === undefined || held < lease.leaseId)) claimOf.set(id, lease.leaseId);
    }
  }
  return claimOf;
}

function checkBound(maxJobs: number): void {
  if (!Number.isSafeInteger(maxJobs) || maxJobs < 1) throw new RangeError(`lease timeout bound must be a positive integer, got ${maxJobs}`);
}

/** lease-timeout-open.sql's rows as the JSON the timeout UPDATEs join: [[id, lease_id, claim_descriptor], ...] (ids exact). */
function timeoutRows(rows: readonly Row[]): string {
  return `[${rows.map((r) => `[${String(r.id)},${String(r.lease_id)},${JSON.stringify(String(r.claim_descriptor))}]`).join(',')}]`;
}
