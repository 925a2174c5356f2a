-- Statement: scan current jobs of one state (FACTS §5.5 "Scan").
-- Identifiers: {{table}}; {{bodyRegex}}.
-- Placeholders: 1 state, [2 regex], last: limit.
-- Result: local_id, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
--   created_at, run_after, updated_at; newest run_after first (unstable on ties); no body.
SELECT local_id, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
       created_at, run_after, updated_at
FROM {{table}}
WHERE state = ? AND run_after <= NOW() {{bodyRegex}}
ORDER BY run_after DESC
LIMIT ?
