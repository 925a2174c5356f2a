-- Statement: success ack (FACTS §5.5 "Ack success").
-- Identifiers: {{table}}.
-- Placeholders: 1 state (2 = SUCCEEDED), 2 text appended to custom_status, 3 local_id.
-- Semantics: no condition on PinLater's states (PinLater quirk, kept): any visible row with this id
--   (state 0..3) becomes SUCCEEDED and gets the status appended again; the head of the status is
--   kept (5000 characters). Rows a migration copier holds (state >= 10: taken or staged,
--   legacy-adapter/src/mysql/mysql-move-states.ts) are left alone: a late ack must not turn a job
--   being moved back into a visible one (docs/compatibility.md "Legacy MySQL: a success ack
--   leaves jobs being moved alone").
UPDATE {{table}}
SET state = ?,
    custom_status = SUBSTRING(CONCAT(custom_status, ?), 1, 5000)
WHERE local_id = ? AND state < 10
