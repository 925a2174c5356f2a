import type { PinLaterBackend } from '../interfaces/pinlater-backend';
import type { DequeuedJob } from '../types/job';
import type { DequeueRequest, DequeueResult } from '../types/requests';
import type { MigratingSides } from './migrating-queue';

/** Every this-many-th dequeue call of a migrating queue starts with the destination. */
export const DESTINATION_FIRST_EVERY = 4;

/**
 * Which side a migrating queue's dequeue visits first within a priority: the source (its jobs are
 * the older ones) on 3 calls in 4, the destination on every 4th, so neither side starves when
 * both have more ready jobs than a call takes (docs/migration.md "Modes"). One counter per queue,
 * in this gateway only (the rotation need not be global to bound starvation); a dry run shows the
 * order the next dequeue would use and does not advance it. Counters stay in 0..3, one per queue
 * this gateway served as migrating.
 */
export class DequeueRotation {
  private readonly calls = new Map<string, number>();

  /** True when this call of `queue` starts with the source. */
  sourceFirst(queue: string, dryRun: boolean): boolean {
    const n = (this.calls.get(queue) ?? 0) + 1;
    if (!dryRun) this.calls.set(queue, n % DESTINATION_FIRST_EVERY);
    return n % DESTINATION_FIRST_EVERY !== 0;
  }
}

export interface BothSidesDequeue {
  readonly sides: MigratingSides;
  readonly sourceFirst: boolean;
  readonly numPriorityLevels: number;
  /** Told of a side that failed; the call goes on with the other side. */
  readonly onSideFailure: (side: PinLaterBackend, error: unknown) => void;
}

/**
 * A dequeue of a migrating queue: priority by priority (1 first, or only `req.onlyPriority`),
 * within each the first side then the other, each asked for what the limit leaves, until the
 * limit is reached. Dry runs go the same way (they peek). A side that fails is skipped for the
 * rest of the call, so jobs already claimed on the other side are handed out, never dropped; the
 * call fails only when it has no job and a side failed (the first failure).
 */
export async function dequeueBothSides(req: DequeueRequest, how: BothSidesDequeue): Promise<DequeueResult> {
  const { source, destination } = how.sides;
  const order = how.sourceFirst ? [source, destination] : [destination, source];
  const priorities = req.onlyPriority === undefined ? Array.from({ length: how.numPriorityLevels }, (_, i) => i + 1) : [req.onlyPriority];
  const jobs: DequeuedJob[] = [];
  const failed = new Map<PinLaterBackend, unknown>();
  for (const priority of priorities) {
    for (const side of order) {
      const remaining = req.limit - jobs.length;
      if (remaining <= 0) return { jobs };
      if (failed.has(side)) continue;
      try {
        jobs.push(...(await side.dequeueJobs({ ...req, limit: remaining, onlyPriority: priority })).jobs);
      } catch (e) {
        failed.set(side, e);
        how.onSideFailure(side, e);
      }
    }
  }
  const [firstFailure] = failed.values();
  if (jobs.length === 0 && failed.size > 0) throw firstFailure;
  return { jobs };
}
