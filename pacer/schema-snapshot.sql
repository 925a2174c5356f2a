-- Pacer schema snapshot. DO NOT EDIT: regenerate with `npx tsx pacer/src/schema-snapshot.ts --write`.

CREATE TABLE `claim_leases` (
  `queue` varchar(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `part` int(11) NOT NULL,
  `lease_id` bigint(20) NOT NULL,
  `owner_id` varchar(200) NOT NULL,
  `epoch` bigint(20) NOT NULL,
  `claim_descriptor` varchar(200) NOT NULL,
  `claimed_at_ms` bigint(20) NOT NULL,
  `job_ids` longtext NOT NULL CHECK (json_valid(`job_ids`)),
  PRIMARY KEY (`queue`,`part`,`lease_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `jobs` (
  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `queue` varchar(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `part` int(11) NOT NULL,
  `priority` tinyint(4) NOT NULL,
  `state` tinyint(4) NOT NULL,
  `claim_descriptor` varchar(200) DEFAULT NULL,
  `attempts_allowed` int(11) NOT NULL,
  `attempts_remaining` int(11) NOT NULL,
  `custom_status` varchar(5000) NOT NULL DEFAULT '',
  `created_at_ms` bigint(20) NOT NULL,
  `updated_at_ms` bigint(20) NOT NULL,
  `run_after_ms` bigint(20) NOT NULL,
  `body` mediumblob NOT NULL,
  `settled_lease` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  KEY `idx_jobs_ready` (`queue`,`part`,`state`,`priority`,`run_after_ms`,`id`),
  KEY `idx_jobs_claimed` (`queue`,`part`,`state`,`updated_at_ms`),
  CONSTRAINT `fk_jobs_queue` FOREIGN KEY (`queue`) REFERENCES `queues` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `job_moves` (
  `migration_id` varchar(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `source_descriptor` varchar(400) NOT NULL,
  `target_descriptor` varchar(400) NOT NULL,
  `queue` varchar(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `state` tinyint(4) NOT NULL,
  `priority` tinyint(4) NOT NULL,
  `source_checksum` char(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `target_checksum` char(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `moved_at_ms` bigint(20) NOT NULL,
  PRIMARY KEY (`migration_id`,`source_descriptor`),
  KEY `idx_job_moves_source` (`source_descriptor`,`moved_at_ms`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `partition_owners` (
  `queue` varchar(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `part` int(11) NOT NULL,
  `owner_id` varchar(200) DEFAULT NULL,
  `epoch` bigint(20) NOT NULL DEFAULT 0,
  `updated_at_ms` bigint(20) NOT NULL,
  PRIMARY KEY (`queue`,`part`),
  CONSTRAINT `fk_partition_owners_queue` FOREIGN KEY (`queue`) REFERENCES `queues` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `queues` (
  `name` varchar(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `num_partitions` int(11) NOT NULL,
  `num_priorities` tinyint(4) NOT NULL,
  `fifo` tinyint(1) NOT NULL DEFAULT 0,
  `max_jobs_per_second` double DEFAULT NULL,
  `default_attempts_allowed` int(11) NOT NULL DEFAULT 2,
  `created_at_ms` bigint(20) NOT NULL,
  PRIMARY KEY (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `queue_migrations` (
  `queue` varchar(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `migration_id` varchar(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `direction` varchar(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `legacy_cluster` varchar(100) NOT NULL,
  `status` varchar(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `paused` tinyint(1) NOT NULL DEFAULT 0,
  `rate_limit_per_s` double NOT NULL,
  `lease_owner` varchar(200) DEFAULT NULL,
  `lease_expires_ms` bigint(20) NOT NULL DEFAULT 0,
  `lease_epoch` bigint(20) NOT NULL DEFAULT 0,
  `started_at_ms` bigint(20) NOT NULL,
  `first_seen_table_version` bigint(20) DEFAULT NULL,
  `source_empty_since_ms` bigint(20) DEFAULT NULL,
  `moved_pending` bigint(20) NOT NULL DEFAULT 0,
  `moved_failed` bigint(20) NOT NULL DEFAULT 0,
  `moved_succeeded` bigint(20) NOT NULL DEFAULT 0,
  `last_error` varchar(1000) DEFAULT NULL,
  `updated_at_ms` bigint(20) NOT NULL,
  PRIMARY KEY (`queue`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `schema_migrations` (
  `version` int(11) NOT NULL,
  `name` varchar(200) NOT NULL,
  `checksum` char(64) NOT NULL,
  `applied_at_ms` bigint(20) NOT NULL,
  PRIMARY KEY (`version`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `settled_descriptors` (
  `queue` varchar(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  `part` int(11) NOT NULL,
  `lease_id` bigint(20) NOT NULL,
  `claim_descriptor` varchar(200) NOT NULL,
  `settled_at_ms` bigint(20) NOT NULL,
  PRIMARY KEY (`queue`,`part`,`lease_id`),
  KEY `idx_settled_descriptors_age` (`queue`,`part`,`settled_at_ms`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- applied: 0001_initial

-- applied: 0002_migration

-- applied: 0003_claim_leases

-- applied: 0004_settled_descriptors
