/**
 * A deliberate stall of a queue's shadow copying (issue 13), for the tests of a shadow copy left
 * incomplete by shed copy tasks: made, not raced, so it holds on a machine of any speed.
 */
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { shadowQueueName } from '../../core/src/shadow/shadow-queue-name';
import { TABLES } from '../../pacer/src/datastore/tables';
import type { PacerMysql } from './delete-shadow-copy';

/**
 * Runs `fn` while the shadow queue's row in Pacer's queues table is locked: every copy of a job into
 * the shadow queue waits on it (its foreign key check reads that row with a shared lock), so the
 * gateway's copy tasks cannot finish and pile up; other queues are not held. The lock is released
 * (rolled back) when `fn` ends, and the waiting copies then complete.
 */
export async function withShadowCopiesBlocked<T>(mysql: PacerMysql, queue: string, fn: () => Promise<T>): Promise<T> {
  const conn = await createConnection(mysql);
  try {
    await conn.query('START TRANSACTION');
    const [rows] = await conn.query<RowDataPacket[]>(`SELECT name FROM ${TABLES.queues} WHERE name = ? FOR UPDATE`, [shadowQueueName(queue)]);
    expect(rows).toHaveLength(1);
    return await fn();
  } finally {
    await conn.query('ROLLBACK').catch(() => undefined);
    await conn.end();
  }
}
