/**
 * A queue's job counts per state and priority through the gateway (getJobCount): PENDING due now
 * and PENDING in the future apart; IN_PROGRESS, SUCCEEDED and FAILED as current + future (a job of
 * those states counts as "future" when its run-after is in the future: legacy MySQL filters every
 * state by run_after, FACTS §5.5). One row per priority 1..levels, and one for all priorities.
 *
 * A priority the queue does not have is an error on legacy MySQL and Pacer (UNKNOWN) and zero on
 * legacy Redis: such a row keeps its error instead of failing the whole status.
 */
import { JobState } from '../../../core/src/types/job-state';
import { mapBounded } from '../../../core/src/util/map-bounded';
import { CliFailure } from './cli-failure';
import type { GatewayConnection } from './gateway-client';

export interface StateCounts {
  readonly pending: number;
  readonly pendingFuture: number;
  readonly inProgress: number;
  readonly succeeded: number;
  readonly failed: number;
}

export interface PriorityCounts {
  /** null: every priority. */
  readonly priority: number | null;
  readonly counts: StateCounts | null;
  /** Why the row could not be counted (counts null). */
  readonly error: string | null;
}

/** getJobCount calls in flight at once. */
const COUNT_CONCURRENCY = 8;

const CALLS: ReadonlyArray<{ key: keyof StateCounts; state: JobState; future: boolean }> = [
  { key: 'pending', state: JobState.PENDING, future: false },
  { key: 'pendingFuture', state: JobState.PENDING, future: true },
  { key: 'inProgress', state: JobState.IN_PROGRESS, future: false },
  { key: 'inProgress', state: JobState.IN_PROGRESS, future: true },
  { key: 'succeeded', state: JobState.SUCCEEDED, future: false },
  { key: 'succeeded', state: JobState.SUCCEEDED, future: true },
  { key: 'failed', state: JobState.FAILED, future: false },
  { key: 'failed', state: JobState.FAILED, future: true },
];

/** Rows for every priority (first) and for 1..levels. */
export async function countQueueJobs(gateway: GatewayConnection, queue: string, levels: number): Promise<PriorityCounts[]> {
  const priorities: Array<number | null> = [null, ...Array.from({ length: levels }, (_, i) => i + 1)];
  return Promise.all(priorities.map((priority) => countRow(gateway, queue, priority)));
}

async function countRow(gateway: GatewayConnection, queue: string, priority: number | null): Promise<PriorityCounts> {
  const count = (c: (typeof CALLS)[number]): Promise<number> =>
    gateway.call('getJobCount', (client) => client.count({ queue, state: c.state, future: c.future, ...(priority === null ? {} : { priority }) }));
  if (priority === null) return { priority, counts: sumCounts(await mapBounded(CALLS, COUNT_CONCURRENCY, count)), error: null };
  try {
    return { priority, counts: sumCounts(await mapBounded(CALLS, COUNT_CONCURRENCY, count)), error: null };
  } catch (e) {
    if (!(e instanceof CliFailure)) throw e;
    return { priority, counts: null, error: e.message };
  }
}

/** The eight counts (in CALLS order) summed into one row. */
export function sumCounts(values: readonly number[]): StateCounts {
  const sums = { pending: 0, pendingFuture: 0, inProgress: 0, succeeded: 0, failed: 0 };
  CALLS.forEach((c, i) => {
    sums[c.key] += values[i] ?? 0;
  });
  return sums;
}
