/**
 * A deliberate difference between legacy and a queue's shadow copy (issue 13), for the tests that
 * need shadow mismatches: the copy of one job is deleted from the shadow queue in Pacer's
 * database directly, behind the gateway's back (as shadow-mode.test.ts's `sh_diff` case does
 * through a Pacer backend). The gateway still maps the job's legacy descriptor to its copy, so a
 * lookup of it differs in `found` and the queue's PENDING counts differ by one in `count`, both
 * flagged (no noise in them), with mismatch samples.

 */
import { createConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { shadowQueueName } from '../../core/src/shadow/shadow-queue-name';
import { TABLES } from '../../pacer/src/datastore/tables';
import { eventually } from '../support/eventually';

export interface PacerMysql {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/**
 * Waits until the shadow copy of `queue`'s job with body `body` (unique in the queue) is in Pacer,
 * then deletes it.
 */
export async function deleteShadowCopy(mysql: PacerMysql, queue: string, body: string): Promise<void> {
  const conn = await createConnection(mysql);
  try {
    const where = `queue = ? AND body = ?`;
    const params = [shadowQueueName(queue), Buffer.from(body)];
    await eventually(async () => {
      const [rows] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${TABLES.jobs} WHERE ${where}`, params);
      expect({ copyOf: body, copies: Number(rows[0]?.n) }).toEqual({ copyOf: body, copies: 1 });
    }, { timeoutMs: 20_000, intervalMs: 100 });
    const [deleted] = await conn.query<ResultSetHeader>(`DELETE FROM ${TABLES.jobs} WHERE ${where}`, params);
    expect({ copyOf: body, deleted: deleted.affectedRows }).toEqual({ copyOf: body, deleted: 1 });
  } finally {
    await conn.end();
  }
}
