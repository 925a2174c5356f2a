import type { Pool } from 'mysql2/promise';
import { execute, selectRows, type Row } from './mysql-pool';
import { fencedOwners, ownerKey, type OwnerRef } from './partition-owners';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { sql, sqlWithSlots } from './sql-loader';
import { claimLeases, type LeaseClaimGroup, type LeaseClaimOutcome } from './lease-claims';
import { settledRows, type SettledRow } from './lease-acks';

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

  /** Whether a job of the partition became pending at or after `sinceMs` (its updated_at). */
  async pendingSince(queue: string, partition: number, sinceMs: number): Promise<boolean> {
    return (await selectRows(this.pool, sql('pending-since'), [queue, partition, sinceMs])).length > 0;
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
   * Claims every group in ONE autocommit statement (claim-jobs.sql: one round trip, one commit),
   * fenced inside the statement by each partition's owner row. Reads back only when fewer jobs were
   * claimed than asked (jobs acked/deleted meanwhile, or a fenced owner). A claim InnoDB rolled
   * back on a lock conflict is retried (core/src/sql/mysql-retry.ts).
   */
  claim(groups: ClaimGroup[], nowMs: number): Promise<ClaimOutcome> {
    return withMysqlRetries(() => this.claimOnce(groups, nowMs));
  }

  /** Lease mode's claim of a claim batch (lease-claims.ts): one lease row per group, no job row written. */
  claimLeases(groups: LeaseClaimGroup[], nowMs: number): Promise<LeaseClaimOutcome> {
    return claimLeases(this.pool, groups, nowMs);
  }

  /** Whether leased jobs are still claimed (lease mode's refill and GC; lease-acks.ts). */
  settledRows(ids: number[]): Promise<SettledRow[]> {
    return settledRows(this.pool, ids);
  }

  private async claimOnce(groups: ClaimGroup[], nowMs: number): Promise<ClaimOutcome> {
    const outcome: ClaimOutcome = { claimed: new Set(), fenced: [], atMs: nowMs };
    const live = groups.filter((g) => g.ids.length > 0);
    if (live.length === 0) return outcome;
    const ids = [...new Set(live.flatMap((g) => g.ids))];
    const owners = distinctOwners(live);
    const ownerIds = new Set(owners.map((o) => o.ownerId));
    if (ownerIds.size !== 1) throw new Error('claim groups of one broker must share its owner id');
    const descriptors = new Set(live.map((g) => g.claimDescriptor));
    const single = descriptors.size === 1;
    const text = sqlWithSlots('claim-jobs', {
      claimDescriptor: single ? '?' : `CASE ${live.map(() => sql('claim-descriptor-case')).join(' ')} END`,
    });
    const slotParams = single ? [live[0]?.claimDescriptor] : live.flatMap((g) => [g.ids, g.claimDescriptor]);
    const header = await execute(this.pool, text, [
      ...slotParams, nowMs, ids, nowMs, owners[0]?.ownerId, owners.map((o) => [o.queue, o.partition, o.epoch]),
    ]);
    if (header.affectedRows === ids.length) {
      for (const id of ids) outcome.claimed.add(id);
      return outcome;
    }
    await this.readBack(live, ids, nowMs, outcome);
    return outcome;
  }

  /** Which ids the claim took, and which owners (none of whose ids were taken) are fenced. */
  private async readBack(groups: ClaimGroup[], ids: number[], nowMs: number, outcome: ClaimOutcome): Promise<void> {
    const rows = await selectRows(this.pool, sql('claim-readback'), [ids]);
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    const empty = new Map<string, OwnerRef>();
    for (const g of groups) {
      let any = false;
      for (const id of g.ids) {
        const r = byId.get(id);
        if (r !== undefined && Number(r.state) === 1 && r.claim_descriptor === g.claimDescriptor && Number(r.updated_at_ms) === nowMs) {
          outcome.claimed.add(id);
          any = true;
        }
      }
      if (!any) empty.set(ownerKey(g.owner), g.owner);
    }
    outcome.fenced.push(...(await fencedOwners(this.pool, [...empty.values()])));
  }
}

/** The distinct owners of the groups, sorted by (queue, partition). */
function distinctOwners(groups: ClaimGroup[]): OwnerRef[] {
  const byKey = new Map<string, OwnerRef>();
  for (const g of groups) byKey.set(ownerKey(g.owner), g.owner);
  return [...byKey.values()].sort((a, b) => (a.queue === b.queue ? a.partition - b.partition : a.queue < b.queue ? -1 : 1));
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
