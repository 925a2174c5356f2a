-- ack-failed-retry: failure ack with attempts left -> PENDING after the retry delay, one attempt
-- consumed, claim cleared (run after ack-failed-done, which makes this one not match).
-- params: appendCustomStatus, runAfterMs, nowMs, queue, part, priority, ids (list)
-- result: affectedRows
UPDATE jobs SET state = 0, custom_status = LEFT(CONCAT(custom_status, ?), 5000), run_after_ms = ?,
  claim_descriptor = NULL, attempts_remaining = attempts_remaining - 1, updated_at_ms = ?
WHERE queue = ? AND part = ? AND priority = ? AND id IN (?) AND state = 1 AND attempts_remaining > 1
