import type { Pool } from 'mysql2/promise';
import type { DeleteJobsRequest, RetryFailedRequest } from '../../../core/src/types/requests';
import { JobState } from '../../../core/src/types/job-state';
import { executeRetried } from './mysql-pool';
import { prioritiesOf, regexParam } from './job-queries';
import { leasedWanted, leaseRuleSql, queueLeases, storedStates } from './lease-read-rule';
import type { QueueSettings } from './queue-registry';
import { deletePendingJobs } from './pending-deletes';
import { limitedDelete, type BodyRegexLimit } from './statement-time-limit';

/**
 * retryFailedJobs: FAILED → PENDING, up to `limit` (PinLater has no ORDER BY either). Claim leases
 * change nothing here: a FAILED row is never leased, and the row keeps its settled_lease, so the
 * lease whose claim it settled cannot hold it again once it is PENDING.
 */
export async function retryFailed(pool: Pool, queue: QueueSettings, req: RetryFailedRequest, nowMs: number): Promise<number> {
  const [priority] = prioritiesOf(queue, req.priority) as [number];
  if (req.limit <= 0) return 0;
  const runAfterMs = req.runAfterMs ?? nowMs;
  const header = await executeRetried(pool, leaseRuleSql('retry-failed'), [req.attemptsToAllow, runAfterMs, nowMs, queue.name, priority, req.limit]);
  return header.affectedRows;
}

/**
 * deleteJobs of one state and priority, optional body regex (then under `regexLimit`), states read
 * by the claim lease rule (lease-read-rule.ts): PENDING never deletes a row a lease holds, checked
 * after the row locks (pending-deletes.ts); IN_PROGRESS deletes those rows too; the limit applies
 * to the total.
 */
export async function deleteJobs(pool: Pool, queue: QueueSettings, req: DeleteJobsRequest, regexLimit: BodyRegexLimit): Promise<number> {
  const [priority] = prioritiesOf(queue, req.priority) as [number];
  if (req.limit <= 0) return 0;
  const regex = regexParam(req.bodyRegex);
  if (regex !== null) return limitedDelete(pool, { queue: queue.name, state: req.state, priority, regex, max: req.limit }, regexLimit);
  if (req.state === JobState.PENDING) return deletePendingJobs(pool, { queue: queue.name, priority, regex: null, max: req.limit }, (text) => text);
  const params = [queue.name, storedStates(req.state), priority, regex, regex, ...queueLeases(queue.name), leasedWanted(req.state), req.limit];
  const header = await executeRetried(pool, leaseRuleSql('delete-jobs'), params);
  return header.affectedRows;
}
