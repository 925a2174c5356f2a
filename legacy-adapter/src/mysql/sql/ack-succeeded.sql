-- Statement: success ack (FACTS §5.5 "Ack success").
-- Identifiers: {{table}}.
-- Placeholders: 1 state (2 = SUCCEEDED), 2 text appended to custom_status, 3 local_id.
-- Semantics: NO state condition (PinLater quirk, kept): any row with this id becomes SUCCEEDED and
--   gets the status appended again; the head of the status is kept (5000 characters).
UPDATE {{table}}
SET state = ?,
    custom_status = SUBSTRING(CONCAT(custom_status, ?), 1, 5000)
WHERE local_id = ?
