-- ack-succeeded: success acks of IN_PROGRESS jobs -> SUCCEEDED, status appended, first 5000
-- characters kept; ONE statement (one commit) for every ack with this status, over all queues,
-- partitions and priorities (the gateway also groups concurrent ack calls). PinLater MySQL acks a
-- job in ANY state (FACTS §11.6); Pacer only acks claimed jobs, so a late ack cannot cancel a
-- pending retry (docs/compatibility.md, Pacer). A descriptor whose queue/partition/priority do not
-- match the job's row is a no-op (PinLater: another table).
-- params: appendCustomStatus, nowMs, ids (list), refs (list of [queue, part, priority, id] tuples)
-- FORCE INDEX (PRIMARY): with long ref lists the optimizer may prefer an idx_jobs_* range, whose
-- next-key locks deadlock with concurrent claims; by id only the listed rows are locked.
-- result: affectedRows
UPDATE {{jobs}} FORCE INDEX (PRIMARY) SET state = 2, custom_status = LEFT(CONCAT(custom_status, ?), 5000), updated_at_ms = ?
WHERE id IN (?) AND state = 1 AND (queue, part, priority, id) IN (?)
