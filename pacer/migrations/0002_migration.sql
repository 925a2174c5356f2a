-- Migration 0002: the migration copier's tables (issue 11, docs/migration.md): the move ledger
-- (`job_moves`) and one work-state row per queue being copied (`queue_migrations`).
--
-- Applied by pacer/src/datastore/migrator.ts in one transaction with its schema_migrations row
-- (MariaDB commits DDL implicitly, so every statement here must be safe to re-run after a crash:
-- CREATE TABLE IF NOT EXISTS only). The migrator checksums the statements, not this file: comments
-- and layout may be corrected, a statement change needs a new migration
-- (runbooks/pacer-schema-migrate.md). Table names here are history; the code takes them from
-- pacer/src/datastore/tables.ts. Documented in docs/pacer-schema.md.
--
-- Times are epoch milliseconds (BIGINT) written from the process clock, never MySQL NOW().
-- The job states the copier uses inside `jobs` (10 + state: taken, 20 + state: staged) need no
-- schema change: `jobs.state` is a TINYINT.

-- The move ledger: source descriptor -> target descriptor, once per (migration, source). The
-- primary key makes the first target recorded for a source the winner (move-ledger-store.ts,
-- INSERT IGNORE); it also serves the per-migration summary (paged by source_descriptor) and the
-- mismatch listing. idx_job_moves_source: lookups of old descriptors (resolve, newest move first).
CREATE TABLE IF NOT EXISTS job_moves (
  migration_id VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  source_descriptor VARCHAR(400) NOT NULL,
  target_descriptor VARCHAR(400) NOT NULL,
  queue VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- PinLaterJobState number the job had when taken (0 pending, 2 succeeded, 3 failed)
  state TINYINT NOT NULL,
  priority TINYINT NOT NULL,
  -- core/src/migration/job-checksum.ts of the job as taken, and as the target stored it
  source_checksum CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  target_checksum CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  moved_at_ms BIGINT NOT NULL,
  PRIMARY KEY (migration_id, source_descriptor),
  KEY idx_job_moves_source (source_descriptor, moved_at_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per queue: the copier's work state (migration, direction, pause, rate, progress) and
-- its lease, fenced by lease_epoch (migration-state-store.ts).
CREATE TABLE IF NOT EXISTS queue_migrations (
  queue VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  migration_id VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- 'to-pacer' | 'to-legacy'
  direction VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  legacy_cluster VARCHAR(100) NOT NULL,
  -- 'copying' | 'complete' | 'finalized' | 'rolled-back'
  status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  paused TINYINT(1) NOT NULL DEFAULT 0,
  rate_limit_per_s DOUBLE NOT NULL,
  lease_owner VARCHAR(200) NULL,
  lease_expires_ms BIGINT NOT NULL DEFAULT 0,
  lease_epoch BIGINT NOT NULL DEFAULT 0,
  started_at_ms BIGINT NOT NULL,
  first_seen_table_version BIGINT NULL,
  source_empty_since_ms BIGINT NULL,
  moved_pending BIGINT NOT NULL DEFAULT 0,
  moved_failed BIGINT NOT NULL DEFAULT 0,
  moved_succeeded BIGINT NOT NULL DEFAULT 0,
  last_error VARCHAR(1000) NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (queue)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
