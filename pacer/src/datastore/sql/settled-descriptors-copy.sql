-- settled-descriptors-copy: keeps the claim descriptors of leases about to be deleted, for the
-- jobs they settled (settled-descriptor.sql reads them by settled_lease). Runs before every DELETE
-- of leases by id (claim-leases-delete.sql, lease-timeout-delete.sql), as its own statement: a
-- crash between the two leaves a copy beside a live lease, which reads the same; a second copy of
-- the same lease keeps the later time (and the lease's descriptor: a row left by a deleted queue's
-- lease of the same id is overwritten). Not fenced: it writes nothing a reader could tell from the
-- lease itself, and a stale owner's DELETE that follows is fenced.
-- params: nowMs, queue, part, lease ids (list)
-- Plan: claim_leases by PRIMARY (queue, part, lease_id); settled_descriptors by PRIMARY.
-- result: affectedRows
INSERT INTO {{settledDescriptors}} (queue, part, lease_id, claim_descriptor, settled_at_ms)
SELECT l.queue, l.part, l.lease_id, l.claim_descriptor, ? FROM {{claimLeases}} l
WHERE l.queue = ? AND l.part = ? AND l.lease_id IN (?)
ON DUPLICATE KEY UPDATE claim_descriptor = VALUES(claim_descriptor), settled_at_ms = GREATEST(settled_at_ms, VALUES(settled_at_ms))
