-- Statement: capped count of future jobs of one state (FACTS §5.5 "Count", future variant).
-- Identifiers: {{table}}; {{bodyRegex}} = body-regex-clause.sql or nothing.
-- Placeholders: 1 state, [2 regex], last: cap.
SELECT COUNT(*) FROM (
  SELECT 1 FROM {{table}}
  WHERE state = ? AND run_after > NOW() {{bodyRegex}}
  LIMIT ?) AS job_info
