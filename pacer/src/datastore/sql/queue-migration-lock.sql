-- queue-migration-lock: one queue's migration row, locked for a start (in its transaction).
-- params: queue
-- result: rows (0 or 1)
SELECT queue, migration_id, direction, legacy_cluster, status, paused, rate_limit_per_s, lease_owner, lease_expires_ms, lease_epoch,
  started_at_ms, first_seen_table_version, source_empty_since_ms, moved_pending, moved_failed, moved_succeeded, last_error, updated_at_ms
FROM {{queueMigrations}} WHERE queue = ? FOR UPDATE
