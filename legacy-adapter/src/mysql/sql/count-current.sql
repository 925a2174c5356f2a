-- Statement: capped count of current jobs of one state (FACTS §5.5 "Count").
-- Identifiers: {{table}}; {{bodyRegex}} = body-regex-clause.sql or nothing.
-- Placeholders: 1 state, [2 regex], last: cap (MYSQL_COUNT_LIMIT; per shard per priority).
-- Semantics: run_after <= NOW() applies to every state.
SELECT COUNT(*) FROM (
  SELECT 1 FROM {{table}}
  WHERE state = ? AND run_after <= NOW() {{bodyRegex}}
  LIMIT ?) AS job_info
