import { mergeScanResults } from '../backend/scan-merge';
import type { PinLaterBackend } from '../interfaces/pinlater-backend';
import type { JobInfo } from '../types/job';
import type { CountRequest, DeleteJobsRequest, RetryFailedRequest, ScanRequest } from '../types/requests';

/**
 * The two systems a `migrating` queue (queue-route.ts) is served from while the copier moves its
 * jobs (docs/migration.md "Modes"), and the calls that visit both. Dequeues: migrating-dequeue.ts.
 * Enqueues, exports and imports go to the destination only; acks and checkpoints follow each
 * descriptor's issuer (routing-backend.ts).
 */
export interface MigratingSides {
  /** S: the side the queue leaves (to-pacer: its legacy cluster; to-legacy: Pacer). */
  readonly source: PinLaterBackend;
  /** D: where the queue goes; new jobs land there. */
  readonly destination: PinLaterBackend;
}

/** Both sides' counts added (a job is on one side at a time: taken and staged jobs are counted by neither). */
export async function countBothSides(sides: MigratingSides, req: CountRequest): Promise<number> {
  const [s, d] = await Promise.all([sides.source.getJobCount(req), sides.destination.getJobCount(req)]);
  return s + d;
}

/** Both sides scanned, merged by runAfter descending and cut to `limit`, as one system's scan is (FACTS §3.8). */
export async function scanBothSides(sides: MigratingSides, req: ScanRequest): Promise<JobInfo[]> {
  const lists = await Promise.all([sides.source.scanJobs(req), sides.destination.scanJobs(req)]);
  return mergeScanResults(lists, req.limit);
}

/** Retries on the source, then on the destination with what is left of `limit`; the total. */
export function retryBothSides(sides: MigratingSides, req: RetryFailedRequest): Promise<number> {
  return sourceThenDestination(sides, req.limit, (b, limit) => b.retryFailedJobs({ ...req, limit }));
}

/** Deletes on the source, then on the destination with what is left of `limit`; the total. */
export function deleteBothSides(sides: MigratingSides, req: DeleteJobsRequest): Promise<number> {
  return sourceThenDestination(sides, req.limit, (b, limit) => b.deleteJobs({ ...req, limit }));
}

async function sourceThenDestination(sides: MigratingSides, limit: number, call: (b: PinLaterBackend, limit: number) => Promise<number>): Promise<number> {
  const done = await call(sides.source, limit);
  const remaining = limit - done;
  return remaining > 0 ? done + (await call(sides.destination, remaining)) : done;
}
