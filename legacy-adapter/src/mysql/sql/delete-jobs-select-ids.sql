-- Statement: MySQL flavour of a body-regex delete, step 1: the ids to delete, read under the
--   MAX_EXECUTION_TIME hint (time-limit-mysql.sql); not a PinLater statement.
-- Identifiers: {{table}}.
-- Placeholders: 1 state, 2 regex, 3 limit.
-- Result: local_id of at most `limit` matching rows.
SELECT local_id FROM {{table}}
WHERE state = ? AND body REGEXP ?
LIMIT ?
