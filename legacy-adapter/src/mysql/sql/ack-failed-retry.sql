-- Statement: failure ack, step 2 "retry" (FACTS §5.5 "Ack failure"); runs after step 1, which
--   already moved a last-attempt job out of IN_PROGRESS so this one no longer matches it.
-- Identifiers: {{table}}.
-- Placeholders: 1 state (0 = PENDING), 2 appended status, 3 run_after (client now + retry delay,
--   whole seconds), 4 local_id, 5 required state (1).
UPDATE {{table}}
SET state = ?,
    custom_status = SUBSTRING(CONCAT(custom_status, ?), 1, 5000),
    run_after = ?,
    claim_descriptor = NULL,
    attempts_remaining = attempts_remaining - 1
WHERE local_id = ? AND state = ? AND attempts_remaining > 1
