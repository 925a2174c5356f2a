-- move-take-lock: the copier's take, step 2 (in one transaction with move-take): the candidates
-- still in the state, read whole and row-locked by primary key (only these rows: a claim, an ack
-- or another take of the same ids waits, then finds them changed), so what this take returns is
-- exactly what move-take changes. A row a lease ack settled reads its lease's claim descriptor
-- (settled-descriptor.sql), which move-take then stores in the row.
-- params: ids (list), queue, priority, state
-- result: rows (every jobs column but updated by nobody else until COMMIT)
SELECT j.id, j.part, j.priority, j.state, {{settledDescriptor}} AS claim_descriptor, j.attempts_allowed,
  j.attempts_remaining, j.custom_status, j.created_at_ms, j.updated_at_ms, j.run_after_ms, j.body
FROM {{jobs}} j FORCE INDEX (PRIMARY)
WHERE j.id IN (?) AND j.queue = ? AND j.priority = ? AND j.state = ?
ORDER BY j.id
FOR UPDATE
