-- claim-leases-written: after claim-leases-insert wrote fewer leases than asked, which of the
-- asked leases exist (the caller counts a lease as written iff its row carries the lease's owner
-- and epoch; a lease id embeds its owner's epoch, so no other owner writes the same id).
-- params: leases (list of [queue, part, lease_id] tuples)
-- result: rows [{queue, part, lease_id, owner_id, epoch}]
SELECT queue, part, lease_id, owner_id, epoch FROM {{claimLeases}} WHERE (queue, part, lease_id) IN (?)
