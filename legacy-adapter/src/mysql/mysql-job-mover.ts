import type { ShardPortableJob } from '../../../core/src/interfaces/shard-store';
import type { PortableJob } from '../../../core/src/types/job';
import { JobState } from '../../../core/src/types/job-state';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { insertJobRow } from './mysql-job-transfer';
import { checkClaimDescriptor } from './mysql-limits';
import { movedState, moveTag, sourceOfTag, STAGED, TAKEN, type MoveStateRange } from './mysql-move-states';
import { toPortableJob } from './mysql-row-mapping';
import type { SqlSession } from './mysql-session-pool';
import { renderSql } from './sql-loader';

/**
 * The exactly-once move primitives on one jobs table (docs/migration.md "Exactly once";
 * ShardStore `takeForMove` … `discardStaged`), with the row marks of mysql-move-states.ts. Every
 * operation only acts on rows still in the expected range, so repeating one changes nothing and
 * counts 0. Callers run them on one session and map failures (mysql-shard-store.ts).
 */

/** The states a move takes; IN_PROGRESS jobs stay with their worker (core/src/interfaces/job-mover.ts). */
const TAKEABLE: ReadonlySet<JobState> = new Set([JobState.PENDING, JobState.SUCCEEDED, JobState.FAILED]);

/** Candidate rounds of one take; a round only falls short when concurrent claims won its candidates. */
export const MAX_TAKE_ROUNDS = 8;

/**
 * Takes up to `limit` rows of `state`, earliest run_after first, in rounds until the limit is
 * reached, no candidate is left, or MAX_TAKE_ROUNDS ran. A round is one transaction (retried
 * whole on a lock conflict, since a rolled back round took nothing): the candidates (plain read),
 * then those still in `state` locked FOR UPDATE, then marked taken. A concurrent claim or take of
 * a candidate either committed before the lock (the row is no longer in `state`, so not returned)
 * or waits for this commit (and then no longer matches): each row goes to exactly one of them, and
 * what is returned is exactly what this call took. A failure after a round committed returns what
 * was taken so far (the rows are taken either way; `listTaken` would find them).
 */
export async function takeRows(s: SqlSession, table: string, priority: number, state: JobState, limit: number): Promise<ShardPortableJob[]> {
  if (!TAKEABLE.has(state)) throw new Error(`Cannot take ${JobState[state] ?? state} jobs for a move`);
  const taken: ShardPortableJob[] = [];
  for (let round = 0; round < MAX_TAKE_ROUNDS && taken.length < limit; round++) {
    const wanted = limit - taken.length;
    let result: { rows: ShardPortableJob[]; candidates: number };
    try {
      result = await withMysqlRetries(() => takeRound(s, table, priority, state, wanted));
    } catch (e) {
      if (taken.length > 0) return taken;
      throw e;
    }
    taken.push(...result.rows);
    if (result.candidates < wanted) break; // no more rows in `state` than that
  }
  return taken;
}

async function takeRound(s: SqlSession, table: string, priority: number, state: JobState, limit: number): Promise<{ rows: ShardPortableJob[]; candidates: number }> {
  const candidates = (await s.select(renderSql('move-select-ids', { table }), [state, limit])).map((r) => Number(r.local_id));
  if (candidates.length === 0) return { rows: [], candidates: 0 };
  const rows = await s.transaction(async () => {
    const locked = await s.select(renderSql('move-lock-rows', { table }), [candidates, state, state + 1]);
    if (locked.length === 0) return [];
    const ids = locked.map((r) => Number(r.local_id));
    const header = await s.run(renderSql('move-shift-state', { table }), [TAKEN.offset, ids, state, state + 1]);
    if (header.affectedRows !== ids.length) throw new Error(`take marked ${header.affectedRows} of ${ids.length} locked rows`);
    return locked.map((r) => toPortableJob(r, s, priority, state));
  });
  return { rows, candidates: candidates.length };
}

export async function listTakenRows(s: SqlSession, table: string, priority: number, limit: number): Promise<ShardPortableJob[]> {
  if (limit <= 0) return [];
  const rows = await s.select(renderSql('move-list-rows', { table }), [TAKEN.offset, TAKEN.end, limit]);
  return rows.map((r) => toPortableJob(r, s, priority, movedState(r.state, TAKEN)));
}

export function finishTaken(s: SqlSession, table: string, localIds: readonly number[]): Promise<number> {
  return deleteInRange(s, table, localIds, TAKEN);
}

/** Back to the state taken from; run_after and updated_at were never changed. */
export async function restoreTaken(s: SqlSession, table: string, localIds: readonly number[]): Promise<number> {
  if (localIds.length === 0) return 0;
  const header = await s.run(renderSql('move-shift-state', { table }), [-TAKEN.offset, [...localIds], TAKEN.offset, TAKEN.end]);
  return header.affectedRows;
}

/**
 * Inserts the jobs staged (state 20 + s, tagged), in one transaction, and reads them back as
 * stored (whole-second times, cut custom status). The read-back has no claim descriptor: the
 * column holds the tag until publish writes the source's claim.
 */
export async function stageRows(s: SqlSession, table: string, priority: number, jobs: readonly PortableJob[]): Promise<ShardPortableJob[]> {
  const tags = jobs.map((job) => {
    if (job.priority !== priority) throw new Error(`Cannot stage ${job.sourceDescriptor} (priority ${job.priority}) with priority ${priority}`);
    return moveTag(job.sourceDescriptor);
  });
  if (jobs.length === 0) return [];
  return s.transaction(async () => {
    const ids: number[] = [];
    for (const [i, job] of jobs.entries()) ids.push(await insertJobRow(s, table, job, STAGED.offset + job.state, tags[i] as string));
    const rows = await s.select(renderSql('move-lock-rows', { table }), [ids, STAGED.offset, STAGED.end]);
    const byId = new Map(rows.map((r) => [Number(r.local_id), r]));
    return ids.map((id) => {
      const row = byId.get(id);
      if (row === undefined) throw new Error(`staged row ${id} not found when read back`);
      const { claimDescriptor: _tag, ...stored } = toPortableJob(row, s, priority, movedState(row.state, STAGED));
      return stored;
    });
  });
}

export async function listStagedRows(s: SqlSession, table: string, limit: number): Promise<Array<{ localId: number; sourceDescriptor: string }>> {
  if (limit <= 0) return [];
  const rows = await s.select(renderSql('move-list-tags', { table }), [STAGED.offset, STAGED.end, limit]);
  return rows.map((r) => ({ localId: Number(r.local_id), sourceDescriptor: sourceOfTag(r.claim_descriptor) }));
}

/** One UPDATE per item (each has its own claim), in one transaction. */
export async function publishStagedRows(s: SqlSession, table: string, items: ReadonlyArray<{ localId: number; claimDescriptor?: string }>): Promise<number> {
  for (const item of items) if (item.claimDescriptor !== undefined) checkClaimDescriptor(item.claimDescriptor);
  if (items.length === 0) return 0;
  return s.transaction(async () => {
    let published = 0;
    for (const item of items) {
      const values = [STAGED.offset, item.claimDescriptor ?? null, item.localId, STAGED.offset, STAGED.end];
      published += (await s.run(renderSql('move-publish', { table }), values)).affectedRows;
    }
    return published;
  });
}

export function discardStagedRows(s: SqlSession, table: string, localIds: readonly number[]): Promise<number> {
  return deleteInRange(s, table, localIds, STAGED);
}

async function deleteInRange(s: SqlSession, table: string, localIds: readonly number[], range: MoveStateRange): Promise<number> {
  if (localIds.length === 0) return 0;
  return (await s.run(renderSql('move-delete', { table }), [[...localIds], range.offset, range.end])).affectedRows;
}
