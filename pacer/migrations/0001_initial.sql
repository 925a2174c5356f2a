-- Migration 0001: Pacer's datastore (queue registry, jobs, partition ownership).
--
-- Applied by pacer/src/datastore/migrator.ts (`npx tsx pacer/src/migrate.ts`, or a Pacer gateway at
-- startup) in one transaction with its schema_migrations row (MariaDB commits DDL implicitly, so
-- every statement here must be safe to re-run after a crash: CREATE TABLE IF NOT EXISTS only).
-- The migrator checksums the statements, not this file: comments and layout may be corrected, a
-- statement change needs a new migration (runbooks/pacer-schema-migrate.md). Table names here are
-- history; the code takes them from pacer/src/datastore/tables.ts. Descriptors: docs/descriptors.md.
--
-- Times are epoch milliseconds (BIGINT) written from the process clock, never MySQL NOW().
-- `part` is the partition number (PARTITION is a reserved word).

-- Queue registry: one row per queue.
CREATE TABLE IF NOT EXISTS queues (
  name VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  num_partitions INT NOT NULL,
  num_priorities TINYINT NOT NULL,
  fifo TINYINT(1) NOT NULL DEFAULT 0,
  -- Dequeue rate limit in jobs/s given at queue creation (NULL = none). Stored and read back with
  -- the queue's settings only: nothing enforces it yet (dequeue limits come from the gateway's
  -- queue_config.json, runbooks/dequeue-rate-limits.md).
  max_jobs_per_second DOUBLE NULL,
  default_attempts_allowed INT NOT NULL DEFAULT 2,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Fencing: the one owner of each partition and its epoch. Assigning a partition takes a newer
-- epoch; every broker claim share-locks this row inside its UPDATE (claim-jobs.sql) and matches
-- owner_id and epoch, so a stale owner's claims are rejected by the datastore itself.
CREATE TABLE IF NOT EXISTS partition_owners (
  queue VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  part INT NOT NULL,
  owner_id VARCHAR(200) NULL,
  epoch BIGINT NOT NULL DEFAULT 0,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (queue, part),
  CONSTRAINT fk_partition_owners_queue FOREIGN KEY (queue) REFERENCES queues (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Jobs of every queue. Descriptor: <queue>:spacer<part>:p<priority>:<id>.
CREATE TABLE IF NOT EXISTS jobs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  queue VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  part INT NOT NULL,
  priority TINYINT NOT NULL,
  -- 0 pending, 1 in progress, 2 succeeded, 3 failed (PinLaterJobState)
  state TINYINT NOT NULL,
  claim_descriptor VARCHAR(200) NULL,
  attempts_allowed INT NOT NULL,
  attempts_remaining INT NOT NULL,
  custom_status VARCHAR(5000) NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  run_after_ms BIGINT NOT NULL,
  body MEDIUMBLOB NOT NULL,
  PRIMARY KEY (id),
  -- Broker refill (ready jobs by priority, run-after, id), counts.
  KEY idx_jobs_ready (queue, part, state, priority, run_after_ms, id),
  -- Claim-timeout monitor, GC (by completion time, updated_at_ms), the broker's pending-since sweep.
  KEY idx_jobs_claimed (queue, part, state, updated_at_ms),
  CONSTRAINT fk_jobs_queue FOREIGN KEY (queue) REFERENCES queues (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
