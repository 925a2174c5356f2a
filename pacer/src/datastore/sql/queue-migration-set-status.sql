-- queue-migration-set-status: a migration's status, only while the row is that migration's.
-- params: status, nowMs, queue, migrationId
-- result: affectedRows (0 = no row, or another migration's)
UPDATE {{queueMigrations}} SET status = ?, updated_at_ms = ? WHERE queue = ? AND migration_id = ?
