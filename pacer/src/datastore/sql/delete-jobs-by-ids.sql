-- delete-jobs-by-ids: MySQL flavour of a body-regex deleteJobs, step 2: delete the ids step 1
-- found if they are still in the state and still match (the regex runs on at most `limit` rows);
-- the state as delete-jobs.sql reads it (a state-0 row a claim lease holds is IN_PROGRESS).
-- params: ids (list), queue, states (list: [state], or [1, 0] for IN_PROGRESS), priority, regex,
--         <leasedJobs: queue, 0, max part>, leasedWanted (1 for IN_PROGRESS, else 0)
-- result: affectedRows
DELETE FROM {{jobs}}
WHERE id IN (?) AND queue = ? AND state IN (?) AND priority = ? AND body REGEXP ?
  AND (state <> 0 OR EXISTS (SELECT 1 FROM ({{leasedJobs}}) AS lj WHERE lj.job_id = {{jobs}}.id) = ?)
