-- retry-failed: retryFailedJobs: FAILED -> PENDING with the given attempts and run-after
-- (claim descriptor and attempts_allowed untouched, as PinLater).
-- params: attemptsToAllow, runAfterMs, nowMs, queue, priority, limit
-- result: affectedRows
UPDATE {{jobs}} SET state = 0, attempts_remaining = ?, run_after_ms = ?, updated_at_ms = ?
WHERE queue = ? AND priority = ? AND state = 3
LIMIT ?
