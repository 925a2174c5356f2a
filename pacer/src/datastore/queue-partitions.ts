import type { Pool } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError, QueueNotFoundError } from '../../../core/src/errors/pinlater-error';
import { execute, selectRows, withTransaction } from './mysql-pool';
import { sql } from './sql-loader';

/**
 * Grows a queue to `count` partitions: new unowned `partition_owners` rows (epoch 0), then the
 * registry row, in one transaction. Shrinking is refused: jobs of removed partitions would be
 * stranded (no broker would ever own them). FIFO queues keep their single partition.
 * Resolves with the previous count.
 */
export async function growQueuePartitions(pool: Pool, clock: Clock, queue: string, count: number): Promise<number> {
  if (!Number.isInteger(count) || count < 1) throw new PinLaterError(ErrorCode.UNKNOWN, `Invalid partition count: ${count}`);
  return withTransaction(pool, async (conn) => {
    const row = (await selectRows(conn, sql('queue-lock-partitions'), [queue]))[0];
    if (row === undefined) throw new QueueNotFoundError(`Queue not found: ${queue}`);
    const current = Number(row.num_partitions);
    if (count === current) return current;
    if (count < current) throw new PinLaterError(ErrorCode.UNKNOWN, `Queue ${queue}: partitions can only grow (${current} → ${count} refused)`);
    if (Number(row.fifo) === 1) throw new PinLaterError(ErrorCode.UNKNOWN, `Queue ${queue} is FIFO: it has exactly one partition`);
    const now = clock.nowMs();
    const rows = Array.from({ length: count - current }, (_, i) => [queue, current + i, now]);
    await execute(conn, sql('partition-owners-insert'), [rows]);
    await execute(conn, sql('queue-set-partitions'), [count, queue]);
    return current;
  });
}
