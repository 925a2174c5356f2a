import type { Pool } from 'mysql2/promise';
import { executeRetried, selectRows } from './mysql-pool';
import { sql } from './sql-loader';
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

/** Success acks of leased jobs: one UPDATE per appendCustomStatus (lease-ack-succeeded.sql). Returns rows changed. */
export async function ackLeasedSucceeded(pool: Pool, acks: LeasedAck[], nowMs: number): Promise<number> {
  let changed = 0;
  for (const group of groupBy(acks, (a) => a.info.appendCustomStatus).values()) {
    for (const chunk of chunks(group)) {
      const status = (chunk[0] as LeasedAck).info.appendCustomStatus;
      changed += (await executeRetried(pool, sql('lease-ack-succeeded'), [ackRows(chunk), status, nowMs])).affectedRows;
    }
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
    for (const chunk of chunks(group)) {
      const { info } = chunk[0] as LeasedAck;
      const rows = ackRows(chunk);
      changed += (await executeRetried(pool, sql('lease-ack-failed-done'), [rows, info.appendCustomStatus, nowMs])).affectedRows;
      const runAfterMs = nowMs + info.retryDelayMs;
      const retried = (await executeRetried(pool, sql('lease-ack-failed-retry'), [rows, info.appendCustomStatus, runAfterMs, nowMs])).affectedRows;
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

/** Ack rows: each names its ack's queue (one statement may carry acks of several queues). */
const ackRows = (acks: LeasedAck[]): string => `[${acks.map((a) => leasedJobRow(a, JSON.stringify(a.queue))).join(',')}]`;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_ACKS_PER_STATEMENT) out.push(items.slice(i, i + MAX_ACKS_PER_STATEMENT));
  return out;
}
