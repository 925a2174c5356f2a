-- ack-succeeded: success ack of an IN_PROGRESS job -> SUCCEEDED, status appended, first 5000
-- characters kept. PinLater MySQL acks a job in ANY state (FACTS §11.6); Pacer only acks claimed
-- jobs, so a late ack cannot cancel a pending retry (docs/compatibility.md, Pacer).
-- params: appendCustomStatus, nowMs, queue, part, priority, ids (list)
-- result: affectedRows
UPDATE jobs SET state = 2, custom_status = LEFT(CONCAT(custom_status, ?), 5000), updated_at_ms = ?
WHERE queue = ? AND part = ? AND priority = ? AND id IN (?) AND state = 1
