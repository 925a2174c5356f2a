-- Statement: monitor step 2, timed-out claims with attempts left go back to pending (FACTS §5.7).
-- Identifiers: {{table}}.
-- Placeholders: 1 state (0), 2 required state (1), 3 threshold, 4 limit.
-- Semantics: one attempt consumed; run_after and custom_status unchanged (eligible at once).
UPDATE {{table}}
SET state = ?, claim_descriptor = NULL, attempts_remaining = attempts_remaining - 1
WHERE state = ? AND updated_at < ? AND attempts_remaining > 1
LIMIT ?
