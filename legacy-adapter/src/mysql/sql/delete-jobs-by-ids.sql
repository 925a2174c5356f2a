-- Statement: MySQL flavour of a body-regex delete, step 2: delete the ids step 1 found, only if
--   they are still in the state and still match (a job may have moved or been checkpointed with a
--   new body in between). The regex runs on at most `limit` rows here.
-- Identifiers: {{table}}.
-- Placeholders: 1 ids (list), 2 state, 3 regex.  Result: deleted rows.
DELETE FROM {{table}}
WHERE local_id IN (?) AND state = ? AND body REGEXP ?
