-- Committed snapshot of `SHOW CREATE TABLE plq_<shard>_<queue>.jobs_p1` after createQueue on
-- MariaDB 10.11 (test/integration/legacy-mysql-schema.test.ts compares a freshly created table
-- with it, and with a table created by PinLater's literal DDL). Normalised before comparison:
-- comment lines dropped, ` AUTO_INCREMENT=<n>` and the server-dependent
-- ` DEFAULT CHARSET=… COLLATE=…` table options removed (PinLater's DDL names no charset, FACTS §5.3).
-- Regenerate only when the server version changes, never to paper over a DDL change.
CREATE TABLE `jobs_p1` (
  `local_id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `state` tinyint(4) NOT NULL,
  `claim_descriptor` varchar(200) DEFAULT NULL,
  `attempts_allowed` int(11) DEFAULT NULL,
  `attempts_remaining` int(11) NOT NULL,
  `custom_status` varchar(5000) DEFAULT NULL,
  `updated_at` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  `created_at` timestamp NOT NULL,
  `run_after` timestamp NOT NULL,
  `body` blob NOT NULL,
  PRIMARY KEY (`local_id`),
  KEY `state` (`state`,`run_after`),
  KEY `claim_descriptor` (`claim_descriptor`)
) ENGINE=InnoDB
