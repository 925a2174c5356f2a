-- move-publish: staged jobs (20 … 23) become visible in the state they were staged with
-- (state - 20), each with its own claim descriptor (the source job's, NULL when it had none):
-- ELT(FIELD(id, <ids>), <claims>) picks the claim at the id's position in the list. Jobs no
-- longer staged (published, discarded) are a no-op, so publishing twice publishes once.
-- params: stagedOffset, ids (list), claims (list, same order, NULL allowed), ids (list),
--         bandLow, bandHigh, refs (list of [queue, part, priority, id] tuples)
-- result: affectedRows
UPDATE {{jobs}} FORCE INDEX (PRIMARY) SET state = state - ?, claim_descriptor = ELT(FIELD(id, ?), ?)
WHERE id IN (?) AND state BETWEEN ? AND ? AND (queue, part, priority, id) IN (?)
