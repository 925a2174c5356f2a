-- delete-jobs-select-ids: MySQL flavour of a body-regex deleteJobs, step 1: the ids to delete,
-- read under the MAX_EXECUTION_TIME hint (time-limit-mysql.sql). The state as delete-jobs.sql
-- reads it: a state-0 row a claim lease holds (leased-jobs.sql, the {{leasedJobs}} slot) is
-- IN_PROGRESS, never PENDING.
-- params: queue, states (list: [state], or [1, 0] for IN_PROGRESS), priority, regex,
--         <leasedJobs: queue, 0, max part>, leasedWanted (1 for IN_PROGRESS, else 0), limit
-- result: rows [{id}]
SELECT j.id FROM {{jobs}} j
WHERE j.queue = ? AND j.state IN (?) AND j.priority = ? AND j.body REGEXP ?
  AND (j.state <> 0 OR EXISTS (SELECT 1 FROM ({{leasedJobs}}) AS lj WHERE lj.job_id = j.id) = ?)
LIMIT ?
