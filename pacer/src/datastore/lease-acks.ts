import type { Pool } from 'mysql2/promise';
import { executeRetried, selectRows } from './mysql-pool';
import { sql, sqlWithSlots } from './sql-loader';
import { groupBy } from './job-refs';
import type { AckItem } from './job-acks';

/** An ack of a job claimed by a lease, with that lease (the broker's lease map knows it). */
export interface LeasedAck extends AckItem {
  leaseId: bigint;
  claimDescriptor: string;
}

/** A job row's settlement state, as the broker's lease map checks it (lease-settled-check.sql). */
export interface SettledRow {
  id: number;
  state: number;
  settledLease: bigint;
}

/** Most jobs one lease ack statement names. */
const MAX_ACKS_PER_STATEMENT = 1000;
/**
 * Most leases a lease ack statement names in its {{lease}} CASE (lease-ack-case.sql), which every
 * row evaluates branch by branch. bench/lease-ack-cost.ts, 1,000 acks per statement, µs per row
 * against the per-job ack's 12: 11.4 with 10 leases, 14.6 with 100, 35 with 1,000 one-job leases,
 * where the JSON form (`-rows`) costs 17-22 whatever the leases. A chunk naming more leases than
 * this takes the JSON form.
 */
export const MAX_CASE_BRANCHES = 100;

/** The jobs of one lease whose descriptors name one queue, partition and priority: one CASE branch. */
interface LeaseBranch {
  leaseId: bigint;
  queue: string;
  partition: number;
  priority: number;
  ids: number[];
}

/** One lease ack statement's acks: a {{lease}} CASE with its params and the ids, or JSON rows. */
export type LeaseAckStatement =
  | { form: 'case'; lease: string; leaseParams: unknown[]; ids: number[] }
  | { form: 'rows'; rows: string };

/**
 * The acks as lease ack statements, MAX_ACKS_PER_STATEMENT jobs each: a CASE branch per lease,
 * highest lease first (lease-ack-case.sql says why), or the JSON rows when a chunk names more
 * than MAX_CASE_BRANCHES leases.
 */
export function leaseAckStatements(acks: ReadonlyArray<LeasedAck>): LeaseAckStatement[] {
  const out: LeaseAckStatement[] = [];
  for (let i = 0; i < acks.length; i += MAX_ACKS_PER_STATEMENT) {
    const chunk = acks.slice(i, i + MAX_ACKS_PER_STATEMENT);
    const branches = leaseBranches(chunk);
    out.push(branches.length <= MAX_CASE_BRANCHES ? caseStatement(branches) : { form: 'rows', rows: ackRows(chunk) });
  }
  return out;
}

function leaseBranches(acks: ReadonlyArray<LeasedAck>): LeaseBranch[] {
  // By lease, then by the descriptor's queue/partition/priority: a lease is one partition's, so its
  // list holds a branch per priority of its jobs (and one for a descriptor naming another queue or
  // partition, a no-op): a few entries at most.
  const byLease = new Map<bigint, LeaseBranch[]>();
  const all: LeaseBranch[] = [];
  for (const a of acks) {
    const branches = byLease.get(a.leaseId) ?? [];
    if (branches.length === 0) byLease.set(a.leaseId, branches);
    const branch = branches.find((b) => b.partition === a.ref.partition && b.priority === a.ref.priority && b.queue === a.queue);
    if (branch === undefined) {
      const added = { leaseId: a.leaseId, queue: a.queue, partition: a.ref.partition, priority: a.ref.priority, ids: [a.ref.id] };
      branches.push(added);
      all.push(added);
    } else if (!branch.ids.includes(a.ref.id)) branch.ids.push(a.ref.id);
  }
  return all.sort((x, y) => (x.leaseId > y.leaseId ? -1 : x.leaseId < y.leaseId ? 1 : 0));
}

function caseStatement(branches: LeaseBranch[]): LeaseAckStatement {
  return {
    form: 'case',
    lease: `CASE ${branches.map(() => sql('lease-ack-case')).join(' ')} ELSE 0 END`,
    leaseParams: branches.flatMap((b) => [b.ids, b.queue, b.partition, b.priority, b.leaseId]),
    ids: [...new Set(branches.flatMap((b) => b.ids))],
  };
}

/** Runs one lease ack statement; `params` are the statement's own, after the acks in the JSON form. */
async function runLeaseAck(pool: Pool, name: 'lease-ack-succeeded' | 'lease-ack-failed-done' | 'lease-ack-failed-retry', s: LeaseAckStatement, params: unknown[]): Promise<number> {
  const header = s.form === 'case'
    ? await executeRetried(pool, sqlWithSlots(name, { lease: s.lease }), [...params, ...s.leaseParams, s.ids, ...s.leaseParams])
    : await executeRetried(pool, sql(`${name}-rows`), [s.rows, ...params]);
  return header.affectedRows;
}

/** Success acks of leased jobs: one UPDATE per appendCustomStatus (lease-ack-succeeded.sql). Returns rows changed. */
export async function ackLeasedSucceeded(pool: Pool, acks: LeasedAck[], nowMs: number): Promise<number> {
  let changed = 0;
  for (const group of groupBy(acks, (a) => a.info.appendCustomStatus).values()) {
    const status = (group[0] as LeasedAck).info.appendCustomStatus;
    for (const s of leaseAckStatements(group)) changed += await runLeaseAck(pool, 'lease-ack-succeeded', s, [status, nowMs]);
  }
  return changed;
}

/**
 * Failure acks of leased jobs: "done" (last attempt → FAILED) then "retry" (→ PENDING at now +
 * delay), one pair per (status, delay). Returns rows changed and the earliest run-after of the
 * retried ones (undefined when none was retried).
 */
export async function ackLeasedFailed(pool: Pool, acks: LeasedAck[], nowMs: number): Promise<{ changed: number; retryAtMs?: number }> {
  let changed = 0;
  let retryAtMs: number | undefined;
  const key = (a: LeasedAck): string => JSON.stringify([a.info.retryDelayMs, a.info.appendCustomStatus]);
  for (const group of groupBy(acks, key).values()) {
    const { info } = group[0] as LeasedAck;
    for (const s of leaseAckStatements(group)) {
      changed += await runLeaseAck(pool, 'lease-ack-failed-done', s, [info.appendCustomStatus, nowMs]);
      const runAfterMs = nowMs + info.retryDelayMs;
      const retried = await runLeaseAck(pool, 'lease-ack-failed-retry', s, [info.appendCustomStatus, runAfterMs, nowMs]);
      changed += retried;
      if (retried > 0) retryAtMs = Math.min(retryAtMs ?? Infinity, runAfterMs);
    }
  }
  return retryAtMs === undefined ? { changed } : { changed, retryAtMs };
}

/** The settlement state of these job rows (ids without a row are absent). */
export async function settledRows(pool: Pool, ids: number[]): Promise<SettledRow[]> {
  const out: SettledRow[] = [];
  for (let i = 0; i < ids.length; i += MAX_ACKS_PER_STATEMENT) {
    const rows = await selectRows(pool, sql('lease-settled-check'), [ids.slice(i, i + MAX_ACKS_PER_STATEMENT)]);
    for (const r of rows) out.push({ id: Number(r.id), state: Number(r.state), settledLease: BigInt(String(r.settled_lease)) });
  }
  return out;
}

/** Ack rows: each names its ack's queue (one statement may carry acks of several queues). */
const ackRows = (acks: ReadonlyArray<LeasedAck>): string => `[${acks.map((a) => leasedJobRow(a, JSON.stringify(a.queue))).join(',')}]`;

/** A job, the lease claiming it, and its descriptor's tokens, as the lease statements join them. */
export interface LeasedJobRef {
  ref: { partition: number; priority: number; id: number };
  leaseId: bigint;
  claimDescriptor: string;
}

/** One JSON row of leasedJobRows; `queueJson` is the queue as a JSON string. */
function leasedJobRow(a: LeasedJobRef, queueJson: string): string {
  return `[${a.ref.id},${a.leaseId.toString()},${JSON.stringify(a.claimDescriptor)},${queueJson},${a.ref.partition},${a.ref.priority}]`;
}

/**
 * The JSON rows the lease ack and checkpoint statements join: [[id, lease_id, claim_descriptor,
 * queue, part, priority], ...] (lease ids exact; `queue` is the request's, as in PinLater). The
 * items are not copied: an API builds these for every success ack it writes.
 */
export function leasedJobRows(queue: string, items: ReadonlyArray<LeasedJobRef>): string {
  const queueJson = JSON.stringify(queue);
  return `[${items.map((a) => leasedJobRow(a, queueJson)).join(',')}]`;
}

