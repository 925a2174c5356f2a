-- move-take-candidates: the copier's take (docs/migration.md), step 1: the first jobs of one
-- partition, priority and state in run-after order (PENDING: ready and future alike), no lock
-- (index-only range of idx_jobs_ready). The caller merges partitions and keeps the earliest.
-- A state-0 row a claim lease holds (leased-jobs.sql, the {{leasedJobs}} slot, this partition's
-- leases) is IN_PROGRESS, never a candidate; other states skip the probe of the leases.
-- params: queue, part, state, priority, <leasedJobs: queue, part, part>, limit
-- result: rows [{id, run_after_ms}]
SELECT j.id, j.run_after_ms FROM {{jobs}} j
WHERE j.queue = ? AND j.part = ? AND j.state = ? AND j.priority = ?
  AND (j.state <> 0 OR NOT EXISTS (SELECT 1 FROM ({{leasedJobs}}) AS lj WHERE lj.job_id = j.id))
ORDER BY j.run_after_ms, j.id
LIMIT ?
