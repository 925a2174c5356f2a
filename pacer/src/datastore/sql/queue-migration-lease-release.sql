-- queue-migration-lease-release: give a lease up (epoch kept: the next owner takes epoch + 1).
-- params: nowMs, queue, ownerId, epoch
-- result: affectedRows (0 = not held)
UPDATE {{queueMigrations}} SET lease_owner = NULL, lease_expires_ms = 0, updated_at_ms = ?
WHERE queue = ? AND lease_owner = ? AND lease_epoch = ?
