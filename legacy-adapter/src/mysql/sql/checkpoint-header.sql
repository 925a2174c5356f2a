-- Statement fragment: checkpoint, always first (FACTS §5.5 "Checkpoint").
-- Identifiers: {{table}}.
-- Placeholders: 1 state (0 if moveToPending else 1), 2 run_after (request value if set, else
--   client now; whole seconds).
-- Followed, in this order and only when set, by checkpoint-set-body, checkpoint-reset-attempts,
--   checkpoint-prepend-status, checkpoint-reset-claim (moveToPending), then checkpoint-footer.
UPDATE {{table}}
SET state = ?,
    run_after = ?
