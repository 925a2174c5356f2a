-- queue-migration-lease-renew: extend a lease its holder still holds (same owner and epoch; a
-- lapsed lease nobody took is still held).
-- params: expiresMs, queue, ownerId, epoch
-- result: affectedRows (0 = lost)
UPDATE {{queueMigrations}} SET lease_expires_ms = ? WHERE queue = ? AND lease_owner = ? AND lease_epoch = ?
