import { JobState } from '../../../core/src/types/job-state';
import { sql, sqlWithSlots, type SqlName } from './sql-loader';

/**
 * THE RULE of claim leases on Pacer's read and admin paths (docs/pacer-performance.md, "Claim
 * leases"): a PENDING row (state 0) that a lease of its own partition names, with a lease id above
 * the row's settled_lease, reads IN_PROGRESS with the lease's claim descriptor and claim time. The
 * rule is one SQL fragment, sql/leased-jobs.sql (the jobs the leases of one queue's partitions
 * from … to … hold); the statements that apply it name it as the `{{leasedJobs}}` slot, filled
 * here, and take its parameters (a `LeaseScope`) where the slot stands. With no lease in the
 * table the fragment is empty and every statement reads exactly what it read before leases.
 */

/** The fragment's parameters: queue, first and last partition (a range of the leases' primary key prefix). */
export type LeaseScope = readonly [queue: string, partFrom: number, partTo: number];

/** `part` is an INT column: every partition a queue can have. */
const LAST_PARTITION = 2_147_483_647;

const statements = new Map<SqlName, string>();

/**
 * Statement `name` with sql/leased-jobs.sql in each of its `{{leasedJobs}}` slots and
 * sql/settled-descriptor.sql (the claim descriptor of a row a lease ack settled, migration 0004)
 * in each of its `{{settledDescriptor}}` slots (rendered once).
 */
export function leaseRuleSql(name: SqlName): string {
  let text = statements.get(name);
  if (text === undefined) {
    text = sqlWithSlots(name, { leasedJobs: sql('leased-jobs'), settledDescriptor: sql('settled-descriptor') });
    statements.set(name, text);
  }
  return text;
}

/** The leases of one partition. */
export function partitionLeases(queue: string, partition: number): LeaseScope {
  return [queue, partition, partition];
}

/** The leases of every partition of a queue (its statements that span partitions). */
export function queueLeases(queue: string): LeaseScope {
  return [queue, 0, LAST_PARTITION];
}

/** The leases of the partitions from the lowest to the highest of `partitions` (at least one). */
export function partitionRangeLeases(queue: string, partitions: readonly number[]): LeaseScope {
  return [queue, Math.min(...partitions), Math.max(...partitions)];
}

/**
 * The stored states a read of `state` looks at: IN_PROGRESS also reads state-0 rows (those a lease
 * holds); the statement keeps each row whose read state is `state`.
 */
export function storedStates(state: JobState): JobState[] {
  return state === JobState.IN_PROGRESS ? [JobState.IN_PROGRESS, JobState.PENDING] : [state];
}

/** 1 when a read of `state` keeps the state-0 rows a lease holds (IN_PROGRESS), 0 when it keeps the others. */
export function leasedWanted(state: JobState): 0 | 1 {
  return state === JobState.IN_PROGRESS ? 1 : 0;
}
