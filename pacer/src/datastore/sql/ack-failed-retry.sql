-- ack-failed-retry: failure acks with attempts left -> PENDING after the retry delay, one attempt
-- consumed, claim cleared (run after ack-failed-done on the same refs, which makes this one not
-- match the jobs that just failed for good).
-- params: appendCustomStatus, runAfterMs, nowMs, ids (list),
--         refs (list of [queue, part, priority, id] tuples)
-- FORCE INDEX (PRIMARY): with long ref lists the optimizer may prefer an idx_jobs_* range, whose
-- next-key locks deadlock with concurrent claims; by id only the listed rows are locked.
-- result: affectedRows
UPDATE {{jobs}} FORCE INDEX (PRIMARY) SET state = 0, custom_status = LEFT(CONCAT(custom_status, ?), 5000), run_after_ms = ?,
  claim_descriptor = NULL, attempts_remaining = attempts_remaining - 1, updated_at_ms = ?
WHERE id IN (?) AND state = 1 AND attempts_remaining > 1 AND (queue, part, priority, id) IN (?)
