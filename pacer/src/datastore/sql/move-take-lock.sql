-- move-take-lock: the copier's take, step 2 (in one transaction with move-take): the candidates
-- still in the state, read whole and row-locked by primary key (only these rows: a claim, an ack
-- or another take of the same ids waits, then finds them changed), so what this take returns is
-- exactly what move-take changes.
-- params: ids (list), queue, priority, state
-- result: rows (every jobs column but updated by nobody else until COMMIT)
SELECT id, part, priority, state, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
  created_at_ms, updated_at_ms, run_after_ms, body
FROM {{jobs}} FORCE INDEX (PRIMARY)
WHERE id IN (?) AND queue = ? AND priority = ? AND state = ?
ORDER BY id
FOR UPDATE
