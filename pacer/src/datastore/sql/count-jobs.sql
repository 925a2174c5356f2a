-- count-jobs: getJobCount for one partition, grouped by priority (the caller caps each group at
-- the count limit, PinLater's per shard per priority cap). Current = run_after <= now, future =
-- run_after > now, passed as an inclusive range.
-- Claim leases (leased-jobs.sql, the {{leasedJobs}} slot, this partition's leases): a row a lease
-- holds counts as IN_PROGRESS, never as PENDING. The first branch is the stored state (state 0:
-- minus the leased rows); the second adds the leased rows when IN_PROGRESS is asked (the
-- requested state = 1; otherwise it is an impossible WHERE), under the same filters, before the
-- grouping, so the count limit applies to the combined count.
-- Plan: first branch as before, idx_jobs_ready (queue, part, state) with the priority/run-after
-- filter, each state-0 row probing the materialized leases by id (other states skip the probe);
-- second branch: the partition's leased jobs by PRIMARY (no range of jobs).
-- params: queue, part, state, priorities (list), runAfterFrom, runAfterTo, regex|NULL, regex|NULL,
--         <leasedJobs: queue, part, part>, <leasedJobs: queue, part, part>, state, priorities (list),
--         runAfterFrom, runAfterTo, regex|NULL, regex|NULL
-- result: rows [{priority, n}]
SELECT priority, SUM(n) AS n FROM (
  SELECT j.priority, COUNT(*) AS n FROM {{jobs}} j
  WHERE j.queue = ? AND j.part = ? AND j.state = ? AND j.priority IN (?) AND j.run_after_ms BETWEEN ? AND ?
    AND (? IS NULL OR j.body REGEXP ?)
    AND (j.state <> 0 OR NOT EXISTS (SELECT 1 FROM ({{leasedJobs}}) AS lj WHERE lj.job_id = j.id))
  GROUP BY j.priority
  UNION ALL
  SELECT j.priority, COUNT(*) AS n FROM ({{leasedJobs}}) AS lj JOIN {{jobs}} j ON j.id = lj.job_id
  WHERE ? = 1 AND j.priority IN (?) AND j.run_after_ms BETWEEN ? AND ? AND (? IS NULL OR j.body REGEXP ?)
  GROUP BY j.priority
) AS counted
GROUP BY priority
