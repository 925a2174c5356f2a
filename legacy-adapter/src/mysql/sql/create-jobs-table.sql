-- Statement: create the jobs table of one priority (FACTS §5.3). Text kept column-for-column
--   equal to PinLater's DDL; schema-snapshot.sql holds the SHOW CREATE TABLE it produces.
-- Identifiers: {{table}} = `plq_<shard>_<queue>`.`jobs_p<priority>` (back-quoted by tables.ts).
-- Placeholders: none.
-- Semantics: no charset/collation clause: the database (server) default applies.
CREATE TABLE {{table}}
( local_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT
, state TINYINT NOT NULL
, claim_descriptor VARCHAR(200)
, attempts_allowed INT
, attempts_remaining INT NOT NULL
, custom_status VARCHAR(5000)
, updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
, created_at TIMESTAMP NOT NULL
, run_after TIMESTAMP NOT NULL
, body BLOB NOT NULL
, PRIMARY KEY (local_id), INDEX (state, run_after), INDEX (claim_descriptor)
) ENGINE=INNODB
