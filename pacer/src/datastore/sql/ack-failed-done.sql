-- ack-failed-done: failure acks of jobs on their last attempt -> FAILED, one statement per
-- (status, retry delay) over all queues, partitions and priorities. `<= 1` (PinLater: `= 1`) so
-- attempts <= 0 cannot stick IN_PROGRESS (docs/compatibility.md, Pacer).
-- params: appendCustomStatus, nowMs, ids (list), refs (list of [queue, part, priority, id] tuples)
-- FORCE INDEX (PRIMARY): with long ref lists the optimizer may prefer an idx_jobs_* range, whose
-- next-key locks deadlock with concurrent claims; by id only the listed rows are locked.
-- result: affectedRows
UPDATE {{jobs}} FORCE INDEX (PRIMARY) SET state = 3, custom_status = LEFT(CONCAT(custom_status, ?), 5000), attempts_remaining = 0,
  updated_at_ms = ?
WHERE id IN (?) AND state = 1 AND attempts_remaining <= 1 AND (queue, part, priority, id) IN (?)
