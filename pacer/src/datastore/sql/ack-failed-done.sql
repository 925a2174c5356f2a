-- ack-failed-done: failure ack of a job on its last attempt -> FAILED. `<= 1` (PinLater: `= 1`) so
-- attempts <= 0 cannot stick IN_PROGRESS (docs/compatibility.md, Pacer).
-- params: appendCustomStatus, nowMs, queue, part, priority, ids (list)
-- result: affectedRows
UPDATE jobs SET state = 3, custom_status = LEFT(CONCAT(custom_status, ?), 5000), attempts_remaining = 0,
  updated_at_ms = ?
WHERE queue = ? AND part = ? AND priority = ? AND id IN (?) AND state = 1 AND attempts_remaining <= 1
