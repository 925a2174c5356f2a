-- Statement: look up one job with its body (FACTS §5.5 "Lookup").
-- Identifiers: {{table}}.  Placeholders: 1 local_id.
-- Result: the columns of lookup.sql, then body.
SELECT local_id, state, attempts_allowed, attempts_remaining, created_at, run_after,
       updated_at, claim_descriptor, custom_status, body
FROM {{table}}
WHERE local_id = ?
