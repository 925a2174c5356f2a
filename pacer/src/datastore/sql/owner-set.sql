-- owner-set: record a partition's owner and epoch.
-- params: owner_id|NULL, epoch, nowMs, queue, part
-- result: affectedRows
UPDATE {{partitionOwners}} SET owner_id = ?, epoch = ?, updated_at_ms = ? WHERE queue = ? AND part = ?
