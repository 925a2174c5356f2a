-- Statement: one page of a bulk export (migration copier; not a PinLater statement).
-- Identifiers: {{table}}.
-- Placeholders: 1 state, 2 cursor (last local_id seen, 0 to start), 3 page size.
-- Result: every column, in local_id order.
SELECT local_id, state, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
       created_at, run_after, updated_at, body
FROM {{table}}
WHERE state = ? AND local_id > ?
ORDER BY local_id
LIMIT ?
