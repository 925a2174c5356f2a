-- delete-jobs: deleteJobs of one state and priority, optional body regex (bound as a parameter).
-- Claim leases (leased-jobs.sql, the {{leasedJobs}} slot, the queue's leases): a state-0 row a
-- lease holds is IN_PROGRESS, so a PENDING delete never deletes it and an IN_PROGRESS delete does
-- (stored states 1 and 0, the state-0 rows only when leased: leasedWanted = 1); SUCCEEDED and
-- FAILED rows are never leased. The limit applies to the total.
-- Plan: as before, the queue's range of idx_jobs_claimed (queue), every row of it read and
-- filtered (state, priority, regex); a state-0 row probes the materialized leases by id.
-- params: queue, states (list: [state], or [1, 0] for IN_PROGRESS), priority, regex|NULL, regex|NULL,
--         <leasedJobs: queue, 0, max part>, leasedWanted (1 for IN_PROGRESS, else 0), limit
-- result: affectedRows
DELETE FROM {{jobs}}
WHERE queue = ? AND state IN (?) AND priority = ? AND (? IS NULL OR body REGEXP ?)
  AND (state <> 0 OR EXISTS (SELECT 1 FROM ({{leasedJobs}}) AS lj WHERE lj.job_id = {{jobs}}.id) = ?)
LIMIT ?
