-- scan-jobs: scanJobs over the whole queue, run-after descending, truncated to limit (the same
-- result as PinLater's per-shard per-priority limits followed by the global merge).
-- Claim leases (leased-jobs.sql, the {{leasedJobs}} slot, the queue's leases): a row a lease holds
-- is IN_PROGRESS, with the lease's claim descriptor and claim time (updated_at_ms), never PENDING;
-- a row a lease ack settled reads its lease's descriptor (settled-descriptor.sql).
-- The first branch is the stored state (state 0: minus the leased rows), the second the leased
-- rows when IN_PROGRESS is asked (the requested state = 1; otherwise an impossible WHERE); each
-- branch keeps its first `limit` rows in scan order, then the merge keeps the first `limit`.
-- Plan: first branch as before (the queue's range of idx_jobs_claimed, filesort of the matches),
-- each state-0 row probing the materialized leases by id; second branch: the queue's leased jobs
-- by PRIMARY (no range of jobs); the merge sorts at most 2 × limit rows.
-- params: queue, state, priorities (list), runAfterFrom, runAfterTo, regex|NULL, regex|NULL,
--         <leasedJobs: queue, 0, max part>, limit, <leasedJobs: queue, 0, max part>, state,
--         priorities (list), runAfterFrom, runAfterTo, regex|NULL, regex|NULL, limit, limit
-- result: rows
SELECT id, part, priority, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
  created_at_ms, run_after_ms, updated_at_ms
FROM (
  (SELECT j.id, j.part, j.priority, {{settledDescriptor}} AS claim_descriptor, j.attempts_allowed, j.attempts_remaining, j.custom_status,
     j.created_at_ms, j.run_after_ms, j.updated_at_ms
   FROM {{jobs}} j
   WHERE j.queue = ? AND j.state = ? AND j.priority IN (?) AND j.run_after_ms BETWEEN ? AND ?
     AND (? IS NULL OR j.body REGEXP ?)
     AND (j.state <> 0 OR NOT EXISTS (SELECT 1 FROM ({{leasedJobs}}) AS lj WHERE lj.job_id = j.id))
   ORDER BY j.run_after_ms DESC, j.id DESC
   LIMIT ?)
  UNION ALL
  (SELECT j.id, j.part, j.priority, lj.claim_descriptor, j.attempts_allowed, j.attempts_remaining, j.custom_status,
     j.created_at_ms, j.run_after_ms, lj.claimed_at_ms
   FROM ({{leasedJobs}}) AS lj JOIN {{jobs}} j ON j.id = lj.job_id
   WHERE ? = 1 AND j.priority IN (?) AND j.run_after_ms BETWEEN ? AND ? AND (? IS NULL OR j.body REGEXP ?)
   ORDER BY j.run_after_ms DESC, j.id DESC
   LIMIT ?)
) AS scanned
ORDER BY run_after_ms DESC, id DESC
LIMIT ?
