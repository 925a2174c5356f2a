-- queue-delete-leases: delete a chunk of a queue's claim leases (deleteQueue loops until 0). Runs
-- after queue-delete-owners: with the ownership rows gone, no fenced insert (claim-leases-insert)
-- can add a lease for the queue afterwards.
-- params: queue, chunkSize
-- result: affectedRows
DELETE FROM {{claimLeases}} WHERE queue = ? LIMIT ?
