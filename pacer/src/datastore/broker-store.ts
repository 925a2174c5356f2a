import type { Pool } from 'mysql2/promise';
import { execute, selectRows, withTransaction, type Row } from './mysql-pool';
import { holdsOwnership, type OwnerRef } from './partition-owners';
import { mysqlErrorCode, RETRYABLE_MYSQL_ERRORS } from './mysql-errors';
import { sql } from './sql-loader';

/** A pending job as a broker buffers it (immutable while pending: only its state can change). */
export interface BufferedJob {
  id: number;
  priority: number;
  runAfterMs: number;
  attemptsAllowed: number;
  attemptsRemaining: number;
  createdAtMs: number;
  updatedAtMs: number;
  body: Buffer;
}

/** Jobs of one partition to claim for one dequeue request. */
export interface ClaimGroup {
  owner: OwnerRef;
  claimDescriptor: string;
  ids: number[];
}

export interface ClaimOutcome {
  claimed: Set<number>;
  /** Owners whose epoch is no longer current: nothing of theirs was claimed. */
  fenced: OwnerRef[];
  /** The claim time written to `updated_at_ms`. */
  atMs: number;
}

const CLAIM_ATTEMPTS = 3;

/** The statements a dequeue broker runs: refill reads and the fenced, grouped claim. */
export class BrokerStore {
  constructor(private readonly pool: Pool) {}

  async readyIds(queue: string, partition: number, priority: number, nowMs: number, limit: number): Promise<number[]> {
    const rows = await selectRows(this.pool, sql('ready-ids'), [queue, partition, priority, nowMs, limit]);
    return rows.map((r) => Number(r.id));
  }

  async pendingByIds(ids: number[]): Promise<BufferedJob[]> {
    if (ids.length === 0) return [];
    const rows = await selectRows(this.pool, sql('pending-by-ids'), [ids]);
    return rows.map(toBufferedJob);
  }

  /** Earliest run-after among future pending jobs of the partition (any of `priorities`). */
  async nextRunAfter(queue: string, partition: number, priorities: number[], nowMs: number): Promise<number | undefined> {
    let next: number | undefined;
    for (const p of priorities) {
      const row = (await selectRows(this.pool, sql('next-run-after'), [queue, partition, p, nowMs]))[0];
      if (row !== undefined) next = Math.min(next ?? Infinity, Number(row.run_after_ms));
    }
    return next;
  }

  /**
   * Claims every group in ONE transaction: each owner row is share-locked and checked (fencing),
   * then each group's ids are claimed. Jobs of fenced owners are not touched. Retries deadlocks.
   */
  async claim(groups: ClaimGroup[], nowMs: number): Promise<ClaimOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await withTransaction(this.pool, (conn) => claimInTransaction(conn, groups, nowMs));
      } catch (e) {
        const code = mysqlErrorCode((e as { cause?: unknown }).cause ?? e);
        if (attempt >= CLAIM_ATTEMPTS || code === undefined || !RETRYABLE_MYSQL_ERRORS.has(code)) throw e;
      }
    }
  }
}

type Conn = Parameters<Parameters<typeof withTransaction>[1]>[0];

async function claimInTransaction(conn: Conn, groups: ClaimGroup[], nowMs: number): Promise<ClaimOutcome> {
  const outcome: ClaimOutcome = { claimed: new Set(), fenced: [], atMs: nowMs };
  const current = new Set<string>();
  for (const owner of distinctOwners(groups)) {
    if (await holdsOwnership(conn, owner)) current.add(ownerKey(owner));
    else outcome.fenced.push(owner);
  }
  for (const g of groups) {
    if (!current.has(ownerKey(g.owner)) || g.ids.length === 0) continue;
    const header = await execute(conn, sql('claim-jobs'), [g.claimDescriptor, nowMs, g.ids, nowMs]);
    if (header.affectedRows === g.ids.length) {
      for (const id of g.ids) outcome.claimed.add(id);
    } else if (header.affectedRows > 0) {
      const rows = await selectRows(conn, sql('claimed-ids'), [g.ids, g.claimDescriptor, nowMs]);
      for (const r of rows) outcome.claimed.add(Number(r.id));
    }
  }
  return outcome;
}

/** Owners sorted by (queue, partition) so concurrent claim transactions lock rows in one order. */
function distinctOwners(groups: ClaimGroup[]): OwnerRef[] {
  const byKey = new Map<string, OwnerRef>();
  for (const g of groups) byKey.set(ownerKey(g.owner), g.owner);
  return [...byKey.values()].sort((a, b) => (a.queue === b.queue ? a.partition - b.partition : a.queue < b.queue ? -1 : 1));
}

function ownerKey(o: OwnerRef): string {
  return `${o.queue}/${o.partition}/${o.ownerId}/${o.epoch}`;
}

function toBufferedJob(r: Row): BufferedJob {
  return {
    id: Number(r.id),
    priority: Number(r.priority),
    runAfterMs: Number(r.run_after_ms),
    attemptsAllowed: Number(r.attempts_allowed),
    attemptsRemaining: Number(r.attempts_remaining),
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
    body: r.body as Buffer,
  };
}
