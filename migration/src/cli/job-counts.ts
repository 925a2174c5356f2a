/**
 * The jobs that keep a queue on the side it would leave (routing-transitions.ts precondition
 * `no-jobs-on-the-side-it-leaves`): PENDING (runnable now, and future), IN_PROGRESS and FAILED
 * (retryable by the operator), each counted with getJobCount on the system the queue leaves.
 * SUCCEEDED jobs do not count: they stay readable through their descriptors, which route to the
 * system that issued them whatever the queue's route.
 */
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { JobState } from '../../../core/src/types/job-state';
import { mapBounded } from '../../../core/src/util/map-bounded';

export interface BlockingJobs {
  readonly pending: number;
  readonly pendingFuture: number;
  readonly inProgress: number;
  readonly failed: number;
  readonly total: number;
}

/** getJobCount calls in flight at once for one queue. */
const COUNT_CONCURRENCY = 3;

const COUNTS: ReadonlyArray<{ key: Exclude<keyof BlockingJobs, 'total'>; state: JobState; future: boolean }> = [
  { key: 'pending', state: JobState.PENDING, future: false },
  { key: 'pendingFuture', state: JobState.PENDING, future: true },
  { key: 'inProgress', state: JobState.IN_PROGRESS, future: false },
  { key: 'inProgress', state: JobState.IN_PROGRESS, future: true },
  { key: 'failed', state: JobState.FAILED, future: false },
  { key: 'failed', state: JobState.FAILED, future: true },
];

export async function countBlockingJobs(backend: PinLaterBackend, queue: string): Promise<BlockingJobs> {
  const counts = await mapBounded(COUNTS, COUNT_CONCURRENCY, (c) => backend.getJobCount({ queue, state: c.state, future: c.future }));
  const sums = { pending: 0, pendingFuture: 0, inProgress: 0, failed: 0 };
  COUNTS.forEach((c, i) => {
    sums[c.key] += counts[i] ?? 0;
  });
  return { ...sums, total: sums.pending + sums.pendingFuture + sums.inProgress + sums.failed };
}

export function describeBlockingJobs(jobs: BlockingJobs): string {
  return `${jobs.pending} pending, ${jobs.pendingFuture} pending in the future, ${jobs.inProgress} in progress, ${jobs.failed} failed`;
}
