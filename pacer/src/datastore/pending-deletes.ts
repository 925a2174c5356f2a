import type { Pool } from 'mysql2/promise';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { execute, selectRows, withTransaction, type Queryable } from './mysql-pool';
import { leaseRuleSql, queueLeases } from './lease-read-rule';
import { sql } from './sql-loader';

/** Most candidates one round reads, locks and deletes (one transaction). */
export const PENDING_DELETE_ROUND = 1000;
/** Rounds in a row that delete nothing (every candidate claimed or changed meanwhile) before the call ends. */
const MAX_IDLE_ROUNDS = 3;

/** A deleteJobs of PENDING jobs (`max` = the request's limit; `regex` the body regex or null). */
export interface PendingDelete {
  queue: string;
  priority: number;
  regex: string | null;
  max: number;
}

/**
 * deleteJobs of PENDING jobs, in rounds of at most PENDING_DELETE_ROUND: the candidates are read
 * without locks (delete-pending-candidates.sql: PENDING, no claim lease, the body regex; `limited`
 * puts that read under the body-regex time limit), then, in one transaction, the candidates still
 * PENDING are row-locked, those a claim lease holds NOW are left out (leased-ids.sql, read after
 * the locks), and the rest deleted. A lease claim writes no job row, so a single DELETE, whose lease
 * read is taken when it starts, deleted a job whose claim committed while the DELETE waited for its
 * row: a job handed out and deleted (test/integration/pacer-lease-read-rule.test.ts). Candidates
 * claimed meanwhile are replaced in the next round, so the limit is reached while pending jobs remain.
 */
export async function deletePendingJobs(pool: Pool, q: PendingDelete, limited: (text: string) => string): Promise<number> {
  let deleted = 0;
  let idle = 0;
  while (deleted < q.max && idle < MAX_IDLE_ROUNDS) {
    const want = Math.min(PENDING_DELETE_ROUND, q.max - deleted);
    const params = [q.queue, q.priority, q.regex, q.regex, ...queueLeases(q.queue), want];
    const ids = (await selectRows(pool, limited(leaseRuleSql('delete-pending-candidates')), params)).map((r) => Number(r.id));
    if (ids.length === 0) break;
    const n = await withMysqlRetries(() => withTransaction(pool, (conn) => deleteLocked(conn, q, ids)));
    deleted += n;
    idle = n === 0 ? idle + 1 : 0;
    if (ids.length < want && n === ids.length) break; // every match the read saw is deleted: none left
  }
  return deleted;
}

/** One round's transaction: lock the candidates still PENDING, leave out the leased ones, delete the rest. */
async function deleteLocked(conn: Queryable, q: PendingDelete, ids: number[]): Promise<number> {
  const locked = (await selectRows(conn, sql('delete-pending-lock'), [ids, q.queue, q.priority])).map((r) => Number(r.id));
  if (locked.length === 0) return 0;
  const leased = new Set((await selectRows(conn, leaseRuleSql('leased-ids'), [...queueLeases(q.queue), locked])).map((r) => Number(r.id)));
  const doomed = leased.size === 0 ? locked : locked.filter((id) => !leased.has(id));
  if (doomed.length === 0) return 0;
  return (await execute(conn, sql('delete-pending-by-ids'), [doomed, q.regex, q.regex])).affectedRows;
}
