-- queue-migration-restart: a new migration of a queue whose row is not copying for another
-- migration: everything is reset, the lease is dropped and its epoch increased, so a copier still
-- working the previous migration is fenced (its progress matches no epoch).
-- params: migrationId, direction, legacyCluster, rateLimitPerS, nowMs (started), nowMs (updated), queue
-- result: affectedRows
UPDATE {{queueMigrations}} SET migration_id = ?, direction = ?, legacy_cluster = ?, status = 'copying', paused = 0,
  rate_limit_per_s = ?, lease_owner = NULL, lease_expires_ms = 0, lease_epoch = lease_epoch + 1, started_at_ms = ?,
  first_seen_table_version = NULL, source_empty_since_ms = NULL, moved_pending = 0, moved_failed = 0,
  moved_succeeded = 0, last_error = NULL, updated_at_ms = ?
WHERE queue = ?
