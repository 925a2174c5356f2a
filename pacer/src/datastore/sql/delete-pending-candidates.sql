-- delete-pending-candidates: a PENDING deleteJobs round, step 1 (pending-deletes.ts; autocommit,
-- no locks, BEFORE the round's transaction, whose first consistent read must come after its row
-- locks): up to `limit` PENDING rows of the priority, the body regex when given, that no claim
-- lease holds (leased-jobs.sql, the {{leasedJobs}} slot, the queue's leases). A body regex runs
-- under the statement time limit (statement-time-limit.ts wraps this statement).
-- Plan: the queue's range of idx_jobs_ready (queue, …), state and priority filtered on the index;
-- a row probes the materialized leases by id.
-- params: queue, priority, regex|NULL, regex|NULL, <leasedJobs: queue, 0, max part>, limit
-- result: rows [{id}]
SELECT j.id FROM {{jobs}} j
WHERE j.queue = ? AND j.state = 0 AND j.priority = ? AND (? IS NULL OR j.body REGEXP ?)
  AND NOT EXISTS (SELECT 1 FROM ({{leasedJobs}}) AS lj WHERE lj.job_id = j.id)
LIMIT ?
