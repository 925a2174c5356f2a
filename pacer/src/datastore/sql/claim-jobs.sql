-- claim-jobs: claim buffered jobs for one dequeue request (inside the guarded transaction).
-- params: claimDescriptor, nowMs, ids (list), nowMs
-- result: affectedRows = number claimed (matched rows)
UPDATE jobs SET state = 1, claim_descriptor = ?, updated_at_ms = ?
WHERE id IN (?) AND state = 0 AND run_after_ms <= ?
