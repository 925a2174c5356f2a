-- retry-failed: retryFailedJobs: FAILED -> PENDING with the given attempts and run-after
-- (claim descriptor and attempts_allowed untouched, as PinLater). A row a lease ack failed holds
-- no descriptor of its own (settled-descriptor.sql reads its lease's, for FAILED rows only), so
-- the descriptor it reads is stored in the row first (assignments run left to right: the
-- fragment sees state 3): the PENDING row keeps reading it, as PinLater's.
-- params: attemptsToAllow, runAfterMs, nowMs, queue, priority, limit
-- result: affectedRows
UPDATE {{jobs}} j SET j.claim_descriptor = {{settledDescriptor}}, j.state = 0, j.attempts_remaining = ?, j.run_after_ms = ?,
  j.updated_at_ms = ?
WHERE j.queue = ? AND j.priority = ? AND j.state = 3
LIMIT ?
