import type { JobMover } from '../../../core/src/interfaces/job-mover';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { JobState } from '../../../core/src/types/job-state';

/** What the side a queue leaves still holds, and the copies in flight. Zero everywhere: drained. */
export interface SourceLeft {
  readonly pendingNow: number;
  readonly pendingFuture: number;
  readonly inProgress: number;
  readonly failed: number;
  readonly succeeded: number;
  /** Jobs taken and not finished, staged and not published (in flight or left by a crash). */
  readonly taken: number;
  readonly staged: number;
}

/**
 * Counts what the source side still holds (getJobCount per state: capped on MySQL, but only zero
 * matters here) and whether any move is in flight. A shard that cannot be read fails the check:
 * never "empty" by omission.
 */
export async function sourceLeft(queue: string, source: PinLaterBackend, sourceMover: JobMover, targetMover: JobMover): Promise<SourceLeft> {
  const count = (state: JobState, future = false): Promise<number> => source.getJobCount({ queue, state, future });
  const [pendingNow, pendingFuture, inProgress, failed, succeeded, taken, staged] = await Promise.all([
    count(JobState.PENDING), count(JobState.PENDING, true), count(JobState.IN_PROGRESS), count(JobState.FAILED), count(JobState.SUCCEEDED),
    sourceMover.listTaken(queue, 1).then((l) => l.length), targetMover.listStaged(queue, 1).then((l) => l.length),
  ]);
  return { pendingNow, pendingFuture, inProgress, failed, succeeded, taken, staged };
}

export function isDrained(left: SourceLeft): boolean {
  return Object.values(left).every((n) => n === 0);
}
