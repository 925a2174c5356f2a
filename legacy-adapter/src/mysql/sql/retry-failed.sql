-- Statement: move failed jobs back to pending (FACTS §5.5 "Retry failed").
-- Identifiers: {{table}}.
-- Placeholders: 1 state (0), 2 attempts_remaining (attemptsToAllow), 3 run_after (whole seconds),
--   4 required state (3 = FAILED), 5 limit.
-- Semantics: no ORDER BY; claim_descriptor and attempts_allowed untouched; result = matched rows.
UPDATE {{table}}
SET state = ?, attempts_remaining = ?, run_after = ?
WHERE state = ?
LIMIT ?
