import type { Pool } from 'mysql2/promise';
import { selectRows } from './mysql-pool';
import { sql } from './sql-loader';

/** A queue as the registry has it: the partitions enqueues land in and dequeues visit. */
export interface QueuePartitions {
  readonly name: string;
  readonly numPartitions: number;
}

/** Every registered queue with its partition count, by name: what a Pacer gateway serves (its `/health`). */
export async function queuePartitionCounts(pool: Pool): Promise<QueuePartitions[]> {
  const rows = await selectRows(pool, sql('queue-partition-counts'), []);
  return rows.map((r) => ({ name: String(r.name), numPartitions: Number(r.num_partitions) }));
}
