-- owner-lock: read a partition's ownership row for update (assign/release).
-- params: queue, part
-- result: rows [{owner_id, epoch}] (0 or 1)
SELECT owner_id, epoch FROM {{partitionOwners}} WHERE queue = ? AND part = ? FOR UPDATE
