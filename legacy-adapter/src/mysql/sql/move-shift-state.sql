-- Statement: shift the state of some rows between a served state and a move state (not a
--   PinLater statement): take step 3 (+10, rows locked by step 2) and restore (-10, taken rows).
-- Identifiers: {{table}}.
-- Placeholders: 1 amount added to state (10 or -10), 2 local ids (list), 3 lowest state,
--   4 state bound (exclusive).
-- Semantics: updated_at assigned to itself, so ON UPDATE CURRENT_TIMESTAMP does not fire: a
--   restored job has the updated_at (and run_after, untouched) it had. Result: matched rows.
UPDATE {{table}}
SET state = state + ?, updated_at = updated_at
WHERE local_id IN (?) AND state >= ? AND state < ?
