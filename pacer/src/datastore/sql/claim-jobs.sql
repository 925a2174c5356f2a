-- claim-jobs: ONE autocommit statement claims the buffered jobs of every dequeue a broker groups
-- together, fenced by the datastore itself: each job joins its partition's ownership row, which
-- must still name this broker with the epoch it holds. A takeover (owner-lock ... FOR UPDATE,
-- then owner-set) and this statement serialize on that row, so a stale owner's claim either
-- committed before the takeover or matches nothing after it.
-- slot {{claimDescriptor}}: `?` (one descriptor for every id) or
--   `CASE WHEN j.id IN (?) THEN ? ... END` (claim-descriptor-case.sql, one branch per dequeue).
-- params: <descriptor slot params>, nowMs, ids (list), nowMs, ownerId,
--         owners (list of [queue, part, epoch] tuples)
-- result: affectedRows = jobs claimed (matched rows; FOUND_ROWS). Fewer than ids → claim-readback.
UPDATE jobs j JOIN partition_owners o ON o.queue = j.queue AND o.part = j.part
SET j.state = 1, j.claim_descriptor = {{claimDescriptor}}, j.updated_at_ms = ?
WHERE j.id IN (?) AND j.state = 0 AND j.run_after_ms <= ?
  AND o.owner_id = ? AND (o.queue, o.part, o.epoch) IN (?)
