-- queue-migration-lease-acquire: take a queue's copier lease when it is free, lapsed, or already
-- this owner's. A new owner gets epoch + 1 (fencing: the previous holder's progress no longer
-- matches); the same owner keeps its epoch. MySQL assigns left to right, so lease_epoch is computed
-- from the owner before lease_owner changes.
-- params: ownerId, ownerId, expiresMs, nowMs, queue, nowMs, ownerId
-- result: affectedRows (1 = taken: read the epoch back in the same transaction)
UPDATE {{queueMigrations}} SET lease_epoch = IF(lease_owner <=> ?, lease_epoch, lease_epoch + 1), lease_owner = ?,
  lease_expires_ms = ?, updated_at_ms = ?
WHERE queue = ? AND (lease_owner IS NULL OR lease_expires_ms < ? OR lease_owner = ?)
