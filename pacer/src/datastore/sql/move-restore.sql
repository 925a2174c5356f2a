-- move-restore: taken jobs (10 … 13) back into service in the state they had (state - 10), with
-- everything else as it was (run-after included); jobs no longer taken are a no-op.
-- params: takenOffset, ids (list), bandLow, bandHigh, refs (list of [queue, part, priority, id] tuples)
-- result: affectedRows
UPDATE {{jobs}} FORCE INDEX (PRIMARY) SET state = state - ?
WHERE id IN (?) AND state BETWEEN ? AND ? AND (queue, part, priority, id) IN (?)
