-- pending-since: did any job of this partition become pending at or after `sinceMs`? The broker's
-- cheap safety sweep (a notification may have been lost): every path that makes a job pending
-- (enqueue, failure ack with a retry, timeout retry, retryFailedJobs, checkpoint moveToPending)
-- sets updated_at_ms to its time. Range probe on idx_jobs_claimed (queue, part, state, updated_at_ms).
-- params: queue, part, sinceMs
-- result: rows [{found: 1}] (0 or 1)
SELECT 1 AS found FROM {{jobs}}
WHERE queue = ? AND part = ? AND state = 0 AND updated_at_ms >= ?
LIMIT 1
