-- Statement: read back the rows a claim took (FACTS §5.5 "Dequeue (claim)").
-- Identifiers: {{table}}.
-- Placeholders: 1 claim descriptor.
-- Result: local_id, attempts_allowed, attempts_remaining, updated_at, created_at, body; every row
--   carrying this claim descriptor (also rows an earlier attempt of the same request claimed).
SELECT local_id, attempts_allowed, attempts_remaining, updated_at, created_at, body
FROM {{table}}
WHERE claim_descriptor = ?
