-- Statement: create one queue database on one logical shard (FACTS §5.5 "Create queue").
-- Identifiers: {{db}} = `plq_<shard>_<queue>`, back-quoted by tables.ts (PinLater does not
--   quote; quoting is our second defence against injection through the queue name); no options.
-- Placeholders: none.
-- Semantics: error 1007 (exists) makes the caller skip the whole shard (tables are not
--   created); 1059 (MySQL) and 1102 (MariaDB) mean the name is too long -> QUEUE_NAME_TOO_LONG.
CREATE DATABASE {{db}}
