-- delete-jobs: deleteJobs of one state and priority, optional body regex (bound as a parameter).
-- params: queue, state, priority, regex|NULL, regex|NULL, limit
-- result: affectedRows
DELETE FROM {{jobs}} WHERE queue = ? AND state = ? AND priority = ? AND (? IS NULL OR body REGEXP ?) LIMIT ?
