-- queue-migration-list: every queue's migration row.
-- params: none
-- result: rows, by queue
SELECT queue, migration_id, direction, legacy_cluster, status, paused, rate_limit_per_s, lease_owner, lease_expires_ms, lease_epoch,
  started_at_ms, first_seen_table_version, source_empty_since_ms, moved_pending, moved_failed, moved_succeeded, last_error, updated_at_ms
FROM {{queueMigrations}} ORDER BY queue
