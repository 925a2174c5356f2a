import type { Pool } from 'mysql2/promise';
import type { JobState } from '../../../core/src/types/job-state';
import { executeRetried, selectRows } from './mysql-pool';
import { sql } from './sql-loader';
import { truncateCustomStatus } from './custom-status';

/** One row to insert into `jobs` (enqueue: pending, import: any state). */
export interface JobRow {
  queue: string;
  partition: number;
  priority: number;
  state: JobState;
  claimDescriptor?: string;
  attemptsAllowed: number;
  attemptsRemaining: number;
  customStatus: string;
  createdAtMs: number;
  updatedAtMs: number;
  runAfterMs: number;
  body: Buffer;
}

/**
 * Batched multi-row INSERT. Ids come back in row order: with innodb_autoinc_lock_mode <= 1 and
 * auto_increment_increment = 1 a multi-row INSERT gets consecutive ids from `insertId`
 * (`consecutiveIds` probes that once); otherwise rows are inserted one by one.
 */
export class JobWriter {
  private consecutive: Promise<boolean> | undefined;

  constructor(private readonly pool: Pool, private readonly maxRowsPerStatement = 500) {}

  async insert(rows: JobRow[]): Promise<number[]> {
    const ids: number[] = [];
    const bulk = await this.consecutiveIds();
    const chunk = bulk ? this.maxRowsPerStatement : 1;
    for (let i = 0; i < rows.length; i += chunk) {
      const slice = rows.slice(i, i + chunk);
      const header = await executeRetried(this.pool, sql('jobs-insert'), [slice.map(toValues)]);
      for (let k = 0; k < slice.length; k += 1) ids.push(header.insertId + k);
    }
    return ids;
  }

  private consecutiveIds(): Promise<boolean> {
    this.consecutive ??= selectRows(this.pool, 'SELECT @@innodb_autoinc_lock_mode AS mode, @@auto_increment_increment AS inc', [])
      .then((rows) => Number(rows[0]?.mode) <= 1 && Number(rows[0]?.inc) === 1)
      .catch((e: unknown) => {
        this.consecutive = undefined;
        throw e;
      });
    return this.consecutive;
  }
}

function toValues(r: JobRow): unknown[] {
  return [
    r.queue, r.partition, r.priority, r.state, r.claimDescriptor ?? null, r.attemptsAllowed,
    r.attemptsRemaining, truncateCustomStatus(r.customStatus), r.createdAtMs, r.updatedAtMs, r.runAfterMs, r.body,
  ];
}
