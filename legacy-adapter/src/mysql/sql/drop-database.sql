-- Statement: drop one queue database on one logical shard (FACTS §5.5 "Delete queue").
-- Identifiers: {{db}} = `plq_<shard>_<queue>`, back-quoted by tables.ts.
-- Placeholders: none.
-- Semantics: IF EXISTS, so a shard without the queue is a no-op (error 1146 is ignored too).
DROP DATABASE IF EXISTS {{db}}
