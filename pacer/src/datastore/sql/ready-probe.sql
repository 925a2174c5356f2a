-- ready-probe: is any job of one partition and priority ready to run now (the dequeue router's
-- probe, src/api/ready-probe.ts)? A row a claim lease holds (leased-jobs.sql, the {{leasedJobs}}
-- slot, this partition's leases) is IN_PROGRESS, not ready. (The broker's refill reads ready-ids.)
-- Plan: idx_jobs_ready in serving order (index only), stopping at the first row no lease holds.
-- params: queue, part, priority, nowMs, <leasedJobs: queue, part, part>
-- result: rows [{id}] (0 or 1)
SELECT j.id FROM {{jobs}} j
WHERE j.queue = ? AND j.part = ? AND j.state = 0 AND j.priority = ? AND j.run_after_ms <= ?
  AND NOT EXISTS (SELECT 1 FROM ({{leasedJobs}}) AS lj WHERE lj.job_id = j.id)
ORDER BY j.run_after_ms, j.id
LIMIT 1
