import type { Pool, PoolConnection } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import { QueueNotFoundError } from '../../../core/src/errors/pinlater-error';
import { execute, selectRows, withTransaction } from './mysql-pool';
import { sql } from './sql-loader';

/** An assignment carried an epoch that is not newer than the datastore's: a newer owner exists. */
export class StaleEpochError extends Error {
  constructor(
    readonly queue: string,
    readonly partition: number,
    readonly requested: number,
    readonly stored: number,
  ) {
    super(`Stale epoch ${requested} for ${queue}/${partition}: the datastore has epoch ${stored}`);
    this.name = 'StaleEpochError';
  }
}

export interface OwnerRef {
  queue: string;
  partition: number;
  ownerId: string;
  epoch: number;
}

/**
 * Makes `ownerId` the owner of (queue, partition). The row is locked FOR UPDATE, so the takeover
 * waits for the previous owner's in-flight claim transactions (they hold a share lock) and every
 * later claim of the previous owner sees the new epoch and is rejected.
 */
export async function assignOwner(
  pool: Pool, clock: Clock, queue: string, partition: number, ownerId: string, epoch?: number,
): Promise<number> {
  return withTransaction(pool, async (conn) => {
    const rows = await selectRows(conn, sql('owner-lock'), [queue, partition]);
    const row = rows[0];
    if (row === undefined) throw new QueueNotFoundError(`Queue partition not found: ${queue}/${partition}`);
    const stored = Number(row.epoch);
    if (epoch !== undefined && epoch <= stored) throw new StaleEpochError(queue, partition, epoch, stored);
    const next = epoch ?? stored + 1;
    await execute(conn, sql('owner-set'), [ownerId, next, clock.nowMs(), queue, partition]);
    return next;
  });
}

/** Clears the owner if it is still `ref` (a newer owner is left alone). Epoch unchanged. */
export async function releaseOwner(pool: Pool, clock: Clock, ref: OwnerRef): Promise<boolean> {
  return withTransaction(pool, async (conn) => {
    const row = (await selectRows(conn, sql('owner-lock'), [ref.queue, ref.partition]))[0];
    if (row === undefined || row.owner_id !== ref.ownerId || Number(row.epoch) !== ref.epoch) return false;
    await execute(conn, sql('owner-set'), [null, ref.epoch, clock.nowMs(), ref.queue, ref.partition]);
    return true;
  });
}

/** Inside a transaction: true iff `ref` still owns its partition (share-locks the row). */
export async function holdsOwnership(conn: PoolConnection, ref: OwnerRef): Promise<boolean> {
  const row = (await selectRows(conn, sql('owner-guard'), [ref.queue, ref.partition]))[0];
  return row !== undefined && row.owner_id === ref.ownerId && Number(row.epoch) === ref.epoch;
}

/** One key per (queue, partition, owner, epoch). */
export function ownerKey(o: OwnerRef): string {
  return JSON.stringify([o.queue, o.partition, o.ownerId, o.epoch]);
}

/**
 * Of `owners`, each once, those whose partition's ownership row no longer names them at their epoch
 * (owner-select.sql): after a claim that took nothing of a partition, fenced rather than emptied.
 */
export async function fencedOwners(pool: Pool, owners: readonly OwnerRef[]): Promise<OwnerRef[]> {
  const distinct = [...new Map(owners.map((o) => [ownerKey(o), o])).values()];
  if (distinct.length === 0) return [];
  const rows = await selectRows(pool, sql('owner-select'), [distinct.map((o) => [o.queue, o.partition])]);
  const held = new Set(rows.map((r) => ownerKey({ queue: String(r.queue), partition: Number(r.part), ownerId: String(r.owner_id), epoch: Number(r.epoch) })));
  return distinct.filter((o) => !held.has(ownerKey(o)));
}

export interface OwnerRow {
  queue: string;
  partition: number;
  ownerId: string | null;
  epoch: number;
}

export async function listOwners(pool: Pool): Promise<OwnerRow[]> {
  const rows = await selectRows(pool, sql('owner-select-all'), []);
  return rows.map((r) => ({
    queue: String(r.queue),
    partition: Number(r.part),
    ownerId: r.owner_id === null ? null : String(r.owner_id),
    epoch: Number(r.epoch),
  }));
}
