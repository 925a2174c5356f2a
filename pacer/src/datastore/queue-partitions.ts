import type { Pool } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError, QueueNotFoundError } from '../../../core/src/errors/pinlater-error';
import { execute, selectRows, withTransaction } from './mysql-pool';
import { sql } from './sql-loader';

/**
 * Growing a queue to `count` partitions is two steps, so that no enqueue lands in a partition no
 * broker serves yet (a dequeue that finds only such partitions must refuse rather than answer
 * empty: the queue would fail dequeues while it grows):
 *   1. `addPartitionOwners`: the new partitions' unowned `partition_owners` rows (epoch 0), which
 *      brokers need to take them; the queue still has its old count for enqueues and dequeues;
 *   2. once they are served, `publishQueuePartitions`: the registry row's count.
 * Shrinking is refused: jobs of removed partitions would be stranded (no broker would ever own
 * them). FIFO queues keep their single partition. Both steps are idempotent (a retry after a crash
 * between them completes the growth).
 */

/** Step 1; resolves with the queue's current (published) count. */
export async function addPartitionOwners(pool: Pool, clock: Clock, queue: string, count: number): Promise<number> {
  if (!Number.isInteger(count) || count < 1) throw new PinLaterError(ErrorCode.UNKNOWN, `Invalid partition count: ${count}`);
  return withTransaction(pool, async (conn) => {
    const current = await lockedCount(conn, queue, count);
    if (count === current.count) return current.count;
    const now = clock.nowMs();
    const rows = Array.from({ length: count - current.count }, (_, i) => [queue, current.count + i, now]);
    await execute(conn, sql('partition-owners-insert'), [rows]);
    return current.count;
  });
}

/** Step 2: the queue has `count` partitions from now on (never fewer than it has). */
export async function publishQueuePartitions(pool: Pool, queue: string, count: number): Promise<void> {
  await withTransaction(pool, async (conn) => {
    const current = await lockedCount(conn, queue, count);
    if (count > current.count) await execute(conn, sql('queue-set-partitions'), [count, queue]);
  });
}

/** The queue's row, locked; refuses a count the queue cannot take. */
async function lockedCount(conn: Parameters<typeof selectRows>[0], queue: string, count: number): Promise<{ count: number }> {
  const row = (await selectRows(conn, sql('queue-lock-partitions'), [queue]))[0];
  if (row === undefined) throw new QueueNotFoundError(`Queue not found: ${queue}`);
  const current = Number(row.num_partitions);
  if (count < current) throw new PinLaterError(ErrorCode.UNKNOWN, `Queue ${queue}: partitions can only grow (${current} → ${count} refused)`);
  if (count > current && Number(row.fifo) === 1) throw new PinLaterError(ErrorCode.UNKNOWN, `Queue ${queue} is FIFO: it has exactly one partition`);
  return { count: current };
}
