-- Statement: look up one job without its body (FACTS §5.5 "Lookup").
-- Identifiers: {{table}}.  Placeholders: 1 local_id.
-- Result: local_id, state, attempts_allowed, attempts_remaining, created_at, run_after,
--   updated_at, claim_descriptor, custom_status; no row -> the job is omitted.
SELECT local_id, state, attempts_allowed, attempts_remaining, created_at, run_after,
       updated_at, claim_descriptor, custom_status
FROM {{table}}
WHERE local_id = ?
