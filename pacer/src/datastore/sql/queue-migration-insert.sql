-- queue-migration-insert: the first migration of a queue (status copying, not paused, unleased,
-- epoch 0, counters 0). A concurrent start of the same queue fails with a duplicate key and is
-- retried by the caller.
-- params: queue, migrationId, direction, legacyCluster, rateLimitPerS, nowMs (started), nowMs (updated)
-- result: affectedRows
INSERT INTO {{queueMigrations}}
  (queue, migration_id, direction, legacy_cluster, status, paused, rate_limit_per_s, started_at_ms, updated_at_ms)
VALUES (?, ?, ?, ?, 'copying', 0, ?, ?, ?)
