-- delete-jobs-by-ids: MySQL flavour of a body-regex deleteJobs, step 2: delete the ids step 1
-- found if they are still in the state and still match (the regex runs on at most `limit` rows).
-- params: ids (list), queue, state, priority, regex
-- result: affectedRows
DELETE FROM {{jobs}} WHERE id IN (?) AND queue = ? AND state = ? AND priority = ? AND body REGEXP ?
