-- Statement: take for a move, step 1: the candidates (docs/migration.md "Exactly once"; not a
--   PinLater statement). A plain read: step 2 locks those still in the state.
-- Identifiers: {{table}}.
-- Placeholders: 1 state taken from (0, 2 or 3), 2 limit.
-- Result: local_id of at most `limit` rows of that state, earliest run_after first (future
--   PENDING rows included), by the (state, run_after) index.
SELECT local_id FROM {{table}}
WHERE state = ?
ORDER BY run_after, local_id
LIMIT ?
