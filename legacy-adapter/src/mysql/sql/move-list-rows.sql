-- Statement: rows whose state is in a move range, e.g. the taken ones (not a PinLater statement).
-- Identifiers: {{table}}.
-- Placeholders: 1 lowest state, 2 state bound (exclusive), 3 limit.
-- Result: every column (as export-page.sql), in local_id order.
SELECT local_id, state, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
       created_at, run_after, updated_at, body
FROM {{table}}
WHERE state >= ? AND state < ?
ORDER BY local_id
LIMIT ?
