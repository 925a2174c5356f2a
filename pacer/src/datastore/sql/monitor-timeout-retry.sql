-- monitor-timeout-retry: claimed too long with attempts left -> PENDING, one attempt consumed,
-- run_after unchanged (immediately eligible), as PinLater (FACTS §5.7).
-- params: nowMs, queue, part, claimedBeforeMs, limit
-- result: affectedRows
UPDATE {{jobs}} SET state = 0, claim_descriptor = NULL, attempts_remaining = attempts_remaining - 1, updated_at_ms = ?
WHERE queue = ? AND part = ? AND state = 1 AND updated_at_ms < ? AND attempts_remaining > 1
LIMIT ?
