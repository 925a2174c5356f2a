-- Statement: dry-run dequeue, read only (FACTS §5.5 "Dequeue dry run").
-- Identifiers: {{table}}.
-- Placeholders: 1 state (0 = PENDING), 2 limit.
-- Result: same columns as dequeue-select-claimed.sql.
SELECT local_id, attempts_allowed, attempts_remaining, updated_at, created_at, body
FROM {{table}}
WHERE state = ? AND run_after <= NOW()
LIMIT ?
