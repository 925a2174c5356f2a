-- Statement: monitor steps 3 and 4, garbage-collect finished jobs (FACTS §5.7).
-- Identifiers: {{table}}.
-- Placeholders: 1 state (2 = SUCCEEDED or 3 = FAILED), 2 threshold (run start - TTL), 3 limit.
-- Semantics: age by run_after, not updated_at (PinLater's choice, for the index).
DELETE FROM {{table}}
WHERE state = ? AND run_after < ?
LIMIT ?
