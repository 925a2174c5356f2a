-- claim-leases-delete: deletes leases of one partition, fenced like claim-leases-insert: only while
-- the partition's ownership row still names the deleting owner and epoch (the leases themselves
-- may be a previous owner's, loaded at takeover). A multi-table DELETE reads the owner row with a
-- share lock whatever the isolation level, so it serializes with a takeover (owner-lock ... FOR
-- UPDATE): a stale owner deletes nothing.
-- params: queue, part, lease ids (list), owner_id, epoch
-- result: affectedRows = leases deleted
DELETE l FROM {{claimLeases}} l
JOIN {{partitionOwners}} o ON o.queue = l.queue AND o.part = l.part
WHERE l.queue = ? AND l.part = ? AND l.lease_id IN (?) AND o.owner_id = ? AND o.epoch = ?
