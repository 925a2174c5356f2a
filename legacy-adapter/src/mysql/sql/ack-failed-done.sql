-- Statement: failure ack, step 1 "done" (FACTS §5.5 "Ack failure").
-- Identifiers: {{table}}.
-- Placeholders: 1 state (3 = FAILED), 2 appended status, 3 local_id, 4 required state (1).
-- Semantics: last attempt -> FAILED with attempts_remaining 0. Deviation: `<= 1` instead of
--   PinLater's `= 1`, so a job enqueued with attempts <= 0 fails instead of staying IN_PROGRESS
--   forever (docs/compatibility.md, "Legacy MySQL: jobs with no attempts left").
UPDATE {{table}}
SET state = ?,
    custom_status = SUBSTRING(CONCAT(custom_status, ?), 1, 5000),
    attempts_remaining = 0
WHERE local_id = ? AND state = ? AND attempts_remaining <= 1
