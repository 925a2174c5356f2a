-- monitor-timeout-done: claimed too long on the last attempt -> FAILED (`<= 1`, see ack-failed-done).
-- params: nowMs, queue, part, claimedBeforeMs, limit
-- result: affectedRows
UPDATE {{jobs}} SET state = 3, attempts_remaining = 0, updated_at_ms = ?
WHERE queue = ? AND part = ? AND state = 1 AND updated_at_ms < ? AND attempts_remaining <= 1
LIMIT ?
