-- Statement: delete jobs of one state (FACTS §5.5 "Delete jobs").
-- Identifiers: {{table}}; {{bodyRegex}}.
-- Placeholders: 1 state, [2 regex], last: limit.  Result: deleted rows.
DELETE FROM {{table}}
WHERE state = ? {{bodyRegex}}
LIMIT ?
