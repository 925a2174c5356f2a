-- dry-run: dequeue dryRun: the first ready jobs of one partition and priority, nothing claimed.
-- A row a claim lease holds (leased-jobs.sql, the {{leasedJobs}} slot, this partition's leases)
-- is IN_PROGRESS, not ready.
-- Plan: as before, idx_jobs_ready in serving order, stopping at `limit`; each row probes the
-- materialized leases by id.
-- params: queue, part, priority, nowMs, <leasedJobs: queue, part, part>, limit
-- result: rows
SELECT j.id, j.priority, j.attempts_allowed, j.attempts_remaining, j.created_at_ms, j.updated_at_ms, j.body
FROM {{jobs}} j
WHERE j.queue = ? AND j.part = ? AND j.state = 0 AND j.priority = ? AND j.run_after_ms <= ?
  AND NOT EXISTS (SELECT 1 FROM ({{leasedJobs}}) AS lj WHERE lj.job_id = j.id)
ORDER BY j.run_after_ms, j.id
LIMIT ?
