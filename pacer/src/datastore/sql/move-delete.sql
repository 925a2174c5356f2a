-- move-delete: finish (taken, 10 … 13) or discard (staged, 20 … 23): deletes the listed jobs that
-- are still in the band; a descriptor whose queue/partition/priority do not match its row, or a
-- job no longer in the band (restored, published, already deleted), is a no-op.
-- params: ids (list), bandLow, bandHigh, refs (list of [queue, part, priority, id] tuples)
-- result: affectedRows
DELETE FROM {{jobs}}
WHERE id IN (?) AND state BETWEEN ? AND ? AND (queue, part, priority, id) IN (?)
