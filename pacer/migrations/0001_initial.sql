-- Migration 0001: Pacer's datastore (queue registry, jobs, partition ownership).
--
-- Applied by `npx tsx pacer/src/migrate.ts` in one transaction with its schema_migrations row
-- (MariaDB commits DDL implicitly, so every statement here must be safe to re-run after a crash:
-- CREATE TABLE IF NOT EXISTS only). Documented in docs/descriptors.md and pacer/README.md.
--
-- Times are epoch milliseconds (BIGINT) written from the process clock, never MySQL NOW().
-- `part` is the partition number (PARTITION is a reserved word).

-- Queue registry: one row per queue.
CREATE TABLE IF NOT EXISTS queues (
  name VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  num_partitions INT NOT NULL,
  num_priorities TINYINT NOT NULL,
  fifo TINYINT(1) NOT NULL DEFAULT 0,
  -- Dequeue rate limit in jobs/s, enforced by the service layer; NULL = unlimited, <= 0 = paused.
  max_jobs_per_second DOUBLE NULL,
  default_attempts_allowed INT NOT NULL DEFAULT 2,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Fencing: the one owner of each partition and its epoch. Assigning a partition bumps the epoch;
-- every broker claim locks this row in share mode and checks owner_id and epoch, so a stale
-- owner's claims are rejected by the datastore itself.
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
  -- Broker refill (ready jobs by priority, run-after, id), scans, counts, GC.
  KEY idx_jobs_ready (queue, part, state, priority, run_after_ms, id),
  -- Claim-timeout monitor.
  KEY idx_jobs_claimed (queue, part, state, updated_at_ms),
  CONSTRAINT fk_jobs_queue FOREIGN KEY (queue) REFERENCES queues (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
