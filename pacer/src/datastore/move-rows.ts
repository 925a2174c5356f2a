import type { Pool } from 'mysql2/promise';
import type { PortableJob } from '../../../core/src/types/job';
import { JobState } from '../../../core/src/types/job-state';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { formatPacerDescriptor, type PacerJobRef } from '../descriptors/pacer-descriptor';
import { leaseRuleSql, partitionLeases, partitionRangeLeases } from './lease-read-rule';
import { execute, executeRetried, selectRows, withTransaction, type Queryable, type Row } from './mysql-pool';
import { moveBand, TAKEN_OFFSET } from './move-states';
import { sql } from './sql-loader';

/**
 * The statements of Pacer's job mover (src/api/pacer-job-mover.ts) on the `jobs` table: taken jobs
 * have state 10 + state, staged jobs 20 + state (move-states.ts). Every write names the band it
 * acts on, so a job not (or no longer) in it is a no-op.
 */

/** Ids per statement: a large batch becomes several bounded statements. */
const CHUNK = 500;

/** A job's PortableJob form from a `jobs` row (export, and the `move-*` statements); `offset` is subtracted from the stored state (0 for a visible job). */
export function rowToPortable(queue: string, r: Row, offset: number): PortableJob {
  return {
    sourceDescriptor: formatPacerDescriptor(refOfRow(queue, r)),
    queue,
    priority: Number(r.priority),
    state: (Number(r.state) - offset) as JobState,
    body: r.body as Buffer,
    attemptsAllowed: Number(r.attempts_allowed),
    attemptsRemaining: Number(r.attempts_remaining),
    customStatus: String(r.custom_status ?? ''),
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
    runAfterMs: Number(r.run_after_ms),
    ...(r.claim_descriptor === null || r.claim_descriptor === undefined ? {} : { claimDescriptor: String(r.claim_descriptor) }),
  };
}

export function refOfRow(queue: string, r: Row): PacerJobRef {
  return { queue, partition: Number(r.part), priority: Number(r.priority), id: Number(r.id) };
}

/**
 * Takes up to `limit` jobs of (queue, state, priority) out of service, earliest run-after first
 * over all `partitions`: candidates per partition (no lock), merged; then, in one transaction, the
 * candidates still in the state are row-locked and moved to 10 + state. Returns exactly the rows
 * this call took, as they were. Candidates claimed or deleted meanwhile are skipped. A PENDING job
 * a claim lease holds is IN_PROGRESS (lease-read-rule.ts): never a candidate, and a lease written
 * while the candidates were read is checked after the row locks (leased-ids.sql).
 */
export async function takeJobs(
  pool: Pool, queue: string, partitions: readonly number[], state: JobState, priority: number, limit: number,
): Promise<Row[]> {
  const perPartition = await Promise.all(
    partitions.map((p) => selectRows(pool, leaseRuleSql('move-take-candidates'), [queue, p, state, priority, ...partitionLeases(queue, p), limit])),
  );
  const ids = perPartition
    .flat()
    .sort((a, b) => Number(a.run_after_ms) - Number(b.run_after_ms) || Number(a.id) - Number(b.id))
    .slice(0, limit)
    .map((r) => Number(r.id));
  if (ids.length === 0) return [];
  const rows = await withMysqlRetries(() => withTransaction(pool, async (conn) => {
    const locked = await withoutLeased(conn, queue, partitions, state, await selectRows(conn, leaseRuleSql('move-take-lock'), [ids, queue, priority, state]));
    if (locked.length > 0) await execute(conn, leaseRuleSql('move-take'), [TAKEN_OFFSET, locked.map((r) => Number(r.id)), state]);
    return locked;
  }));
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => (order.get(Number(a.id)) ?? 0) - (order.get(Number(b.id)) ?? 0));
}

/** The locked PENDING rows no claim lease holds (read after the row locks: leased-ids.sql); other states as they are. */
async function withoutLeased(conn: Queryable, queue: string, partitions: readonly number[], state: JobState, locked: Row[]): Promise<Row[]> {
  if (state !== JobState.PENDING || locked.length === 0) return locked;
  const params = [...partitionRangeLeases(queue, partitions), locked.map((r) => Number(r.id))];
  const leased = new Set((await selectRows(conn, leaseRuleSql('leased-ids'), params)).map((r) => Number(r.id)));
  return leased.size === 0 ? locked : locked.filter((r) => !leased.has(Number(r.id)));
}

/** Up to `limit` jobs of the band starting at `offset` (taken or staged), partition by partition, by id. */
export async function listBand(pool: Pool, queue: string, partitions: readonly number[], offset: number, limit: number): Promise<Row[]> {
  const [low, high] = moveBand(offset);
  const out: Row[] = [];
  for (const p of partitions) {
    const remaining = limit - out.length;
    if (remaining <= 0) break;
    out.push(...(await selectRows(pool, sql('move-list'), [queue, p, low, high, remaining])));
  }
  return out;
}

/** Deletes the jobs of `refs` still in the band starting at `offset`; returns how many. */
export async function deleteInBand(pool: Pool, refs: readonly PacerJobRef[], offset: number): Promise<number> {
  const [low, high] = moveBand(offset);
  let n = 0;
  for (const chunk of chunks(refs)) {
    n += (await executeRetried(pool, sql('move-delete'), [chunk.map((r) => r.id), low, high, tuples(chunk)])).affectedRows;
  }
  return n;
}

/** Taken jobs of `refs` back into the state they had; returns how many. */
export async function restoreTaken(pool: Pool, refs: readonly PacerJobRef[]): Promise<number> {
  const [low, high] = moveBand(TAKEN_OFFSET);
  let n = 0;
  for (const chunk of chunks(refs)) {
    n += (await executeRetried(pool, sql('move-restore'), [TAKEN_OFFSET, chunk.map((r) => r.id), low, high, tuples(chunk)])).affectedRows;
  }
  return n;
}

/** Staged jobs (band at `stagedOffset`) made visible, each with its claim descriptor; returns how many. */
export async function publishStaged(
  pool: Pool, items: ReadonlyArray<{ ref: PacerJobRef; claimDescriptor: string | null }>, stagedOffset: number,
): Promise<number> {
  const [low, high] = moveBand(stagedOffset);
  let n = 0;
  for (const chunk of chunks(items)) {
    const ids = chunk.map((i) => i.ref.id);
    const params = [stagedOffset, ids, chunk.map((i) => i.claimDescriptor), ids, low, high, tuples(chunk.map((i) => i.ref))];
    n += (await executeRetried(pool, sql('move-publish'), params)).affectedRows;
  }
  return n;
}

/** Which of `ids` are PENDING now: partition, priority, run-after (for broker notification). */
export async function pendingRows(pool: Pool, ids: readonly number[]): Promise<Array<{ partition: number; priority: number; runAfterMs: number }>> {
  const out: Array<{ partition: number; priority: number; runAfterMs: number }> = [];
  for (const chunk of chunks(ids)) {
    const rows = await selectRows(pool, sql('move-pending-rows'), [chunk]);
    out.push(...rows.map((r) => ({ partition: Number(r.part), priority: Number(r.priority), runAfterMs: Number(r.run_after_ms) })));
  }
  return out;
}

/** Rows by id, as stored. */
export async function readRows(pool: Pool, ids: readonly number[]): Promise<Map<number, Row>> {
  const out = new Map<number, Row>();
  for (const chunk of chunks(ids)) {
    for (const r of await selectRows(pool, sql('move-read'), [chunk])) out.set(Number(r.id), r);
  }
  return out;
}

function tuples(refs: readonly PacerJobRef[]): unknown[][] {
  return refs.map((r) => [r.queue, r.partition, r.priority, r.id]);
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
