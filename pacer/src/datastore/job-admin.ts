import type { Pool } from 'mysql2/promise';
import type { DeleteJobsRequest, RetryFailedRequest } from '../../../core/src/types/requests';
import { execute } from './mysql-pool';
import { sql } from './sql-loader';
import { prioritiesOf, regexParam } from './job-queries';
import type { QueueSettings } from './queue-registry';

/** retryFailedJobs: FAILED → PENDING, up to `limit` (PinLater has no ORDER BY either). */
export async function retryFailed(pool: Pool, queue: QueueSettings, req: RetryFailedRequest, nowMs: number): Promise<number> {
  const [priority] = prioritiesOf(queue, req.priority) as [number];
  if (req.limit <= 0) return 0;
  const runAfterMs = req.runAfterMs ?? nowMs;
  const header = await execute(pool, sql('retry-failed'), [req.attemptsToAllow, runAfterMs, nowMs, queue.name, priority, req.limit]);
  return header.affectedRows;
}

/** deleteJobs of one state and priority, optional body regex. */
export async function deleteJobs(pool: Pool, queue: QueueSettings, req: DeleteJobsRequest): Promise<number> {
  const [priority] = prioritiesOf(queue, req.priority) as [number];
  if (req.limit <= 0) return 0;
  const regex = regexParam(req.bodyRegex);
  const header = await execute(pool, sql('delete-jobs'), [queue.name, req.state, priority, regex, regex, req.limit]);
  return header.affectedRows;
}
