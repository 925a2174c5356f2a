/**
 * Exact job counts of one queue on one system, per state and priority, by paging `exportJobs`
 * (docs/migration.md "Verification": getJobCount is capped on MySQL, MYSQL_COUNT_LIMIT, so it
 * cannot tell what a migration moves or whether a side is empty). PENDING is split into ready
 * (run-after reached at the instant of the census) and future. Also the jobs a copier holds on
 * that system (taken from it, staged into it: neither is served nor exported), so "empty" means
 * nothing at all. For `plan`, `verify` and `finalize`.
 */
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { JobState } from '../../../core/src/types/job-state';
import type { Clock } from '../../../core/src/util/clock';

export interface StateCounts {
  readonly pendingReady: number;
  readonly pendingFuture: number;
  readonly inProgress: number;
  readonly succeeded: number;
  readonly failed: number;
}

export interface PriorityCounts extends StateCounts {
  readonly priority: number;
}

export interface QueueCensus {
  readonly system: string;
  readonly queue: string;
  /** False when the system does not have the queue (every count is then 0). */
  readonly present: boolean;
  /** When PENDING was split into ready and future (epoch ms). */
  readonly atMs: number;
  readonly byPriority: readonly PriorityCounts[];
  readonly totals: StateCounts & {
    /** Every job in a state (IN_PROGRESS included). */
    readonly total: number;
    /** What a copier moves (PENDING, FAILED, SUCCEEDED); IN_PROGRESS jobs move after their worker acks or they time out. */
    readonly movable: number;
  };
  /** Jobs a copier took out of this system and has not finished or restored (at least; counted up to a bound). */
  readonly taken: number;
  /** Jobs a copier staged into this system, not yet published or discarded (at least; counted up to a bound). */
  readonly staged: number;
}

/** Jobs per exportJobs page. */
export const CENSUS_PAGE_SIZE = 1000;
/** Taken or staged jobs listed (a copier holds at most a few batches; more is reported as this many). */
const HELD_LIMIT = 10_000;

const STATES: readonly JobState[] = [JobState.PENDING, JobState.IN_PROGRESS, JobState.SUCCEEDED, JobState.FAILED];

export interface CensusOptions {
  readonly numPriorityLevels: number;
  readonly clock: Clock;
  /** Runs before every page (a stop request ends the census there). */
  readonly checkpoint?: () => void;
}

/**
 * Counts every job of `queue` on `backend` (one system) across priorities 1..numPriorityLevels;
 * a system without the queue counts as empty (`present: false`).
 */
export async function takeCensus(system: string, backend: PinLaterBackend, queue: string, options: CensusOptions): Promise<QueueCensus> {
  const atMs = options.clock.nowMs();
  try {
    return await census(system, backend, queue, atMs, options);
  } catch (e) {
    if (!PinLaterError.is(e, ErrorCode.QUEUE_NOT_FOUND)) throw e;
    const byPriority = Array.from({ length: options.numPriorityLevels }, (_, i) => ({ priority: i + 1, pendingReady: 0, pendingFuture: 0, inProgress: 0, succeeded: 0, failed: 0 }));
    return { system, queue, present: false, atMs, byPriority, totals: totalsOf(byPriority), taken: 0, staged: 0 };
  }
}

async function census(system: string, backend: PinLaterBackend, queue: string, atMs: number, options: CensusOptions): Promise<QueueCensus> {
  const byPriority: PriorityCounts[] = [];
  for (let priority = 1; priority <= options.numPriorityLevels; priority += 1) {
    const counts = { priority, pendingReady: 0, pendingFuture: 0, inProgress: 0, succeeded: 0, failed: 0 };
    for (const state of STATES) {
      let cursor: string | undefined;
      do {
        options.checkpoint?.();
        const page = await backend.exportJobs({ queue, state, priority, limit: CENSUS_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
        for (const job of page.jobs) count(counts, state, job.runAfterMs <= atMs);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
    byPriority.push(counts);
  }
  const mover = backend.jobMover();
  const [taken, staged] = await Promise.all([mover.listTaken(queue, HELD_LIMIT), mover.listStaged(queue, HELD_LIMIT)]);
  return { system, queue, present: true, atMs, byPriority, totals: totalsOf(byPriority), taken: taken.length, staged: staged.length };
}

function count(c: { pendingReady: number; pendingFuture: number; inProgress: number; succeeded: number; failed: number }, state: JobState, due: boolean): void {
  if (state === JobState.PENDING) {
    if (due) c.pendingReady += 1;
    else c.pendingFuture += 1;
  } else if (state === JobState.IN_PROGRESS) c.inProgress += 1;
  else if (state === JobState.SUCCEEDED) c.succeeded += 1;
  else c.failed += 1;
}

export function totalsOf(rows: readonly StateCounts[]): QueueCensus['totals'] {
  const sum = (key: keyof StateCounts): number => rows.reduce((s, r) => s + r[key], 0);
  const t = { pendingReady: sum('pendingReady'), pendingFuture: sum('pendingFuture'), inProgress: sum('inProgress'), succeeded: sum('succeeded'), failed: sum('failed') };
  const movable = t.pendingReady + t.pendingFuture + t.succeeded + t.failed;
  return { ...t, movable, total: movable + t.inProgress };
}

/** Nothing of the queue on the system: no job in any state, none taken, none staged. */
export function isEmptyCensus(c: QueueCensus): boolean {
  return c.totals.total === 0 && c.taken === 0 && c.staged === 0;
}

/** One line: `12 pending (10 ready, 2 future), 3 in progress, 4 succeeded, 1 failed`. */
export function describeCensus(c: QueueCensus): string {
  const t = c.totals;
  const held = c.taken + c.staged > 0 ? `; held by a copier: ${c.taken} taken, ${c.staged} staged` : '';
  return `${t.pendingReady + t.pendingFuture} pending (${t.pendingReady} ready, ${t.pendingFuture} future), ${t.inProgress} in progress, ${t.succeeded} succeeded, ${t.failed} failed${held}`;
}
