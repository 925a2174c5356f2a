-- claim-jobs: ONE autocommit statement claims the buffered jobs of every dequeue a broker groups
-- together, fenced by the datastore itself: each job's partition ownership row must still name
-- this broker with the epoch it holds. InnoDB share-locks the subquery's row (UPDATE ... WHERE
-- EXISTS (SELECT ...)), so a takeover (owner-lock ... FOR UPDATE, then owner-set) and this
-- statement serialize on that row: a stale owner's claim either committed before the takeover or
-- matches nothing after it. Plan: PRIMARY range on j.id, owner row by PRIMARY (eq_ref); only the
-- listed job rows are locked.
-- slot {{claimDescriptor}}: `?` (one descriptor for every id) or
--   `CASE WHEN j.id IN (?) THEN ? ... END` (claim-descriptor-case.sql, one branch per dequeue).
-- params: <descriptor slot params>, nowMs, ids (list), nowMs, ownerId,
--         owners (list of [queue, part, epoch] tuples)
-- result: affectedRows = jobs claimed (matched rows; FOUND_ROWS). Fewer than ids → claim-readback.
UPDATE {{jobs}} j FORCE INDEX (PRIMARY)
SET j.state = 1, j.claim_descriptor = {{claimDescriptor}}, j.updated_at_ms = ?
WHERE j.id IN (?) AND j.state = 0 AND j.run_after_ms <= ?
  AND EXISTS (SELECT 1 FROM {{partitionOwners}} o
              WHERE o.queue = j.queue AND o.part = j.part AND o.owner_id = ? AND (o.queue, o.part, o.epoch) IN (?))
