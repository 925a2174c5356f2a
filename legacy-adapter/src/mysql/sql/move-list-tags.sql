-- Statement: staged rows and their move tags (not a PinLater statement).
-- Identifiers: {{table}}.
-- Placeholders: 1 lowest state, 2 state bound (exclusive), 3 limit.
-- Result: local_id, claim_descriptor ('mv:<source descriptor>'), in local_id order.
SELECT local_id, claim_descriptor
FROM {{table}}
WHERE state >= ? AND state < ?
ORDER BY local_id
LIMIT ?
