-- delete-jobs-select-ids: MySQL flavour of a body-regex deleteJobs, step 1: the ids to delete,
-- read under the MAX_EXECUTION_TIME hint (time-limit-mysql.sql).
-- params: queue, state, priority, regex, limit
-- result: rows [{id}]
SELECT id FROM {{jobs}} WHERE queue = ? AND state = ? AND priority = ? AND body REGEXP ? LIMIT ?
