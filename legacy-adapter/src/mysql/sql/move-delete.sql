-- Statement: delete some rows only while their state is in a move range (not a PinLater
--   statement): finish (taken rows) and discard (staged rows).
-- Identifiers: {{table}}.
-- Placeholders: 1 local ids (list), 2 lowest state, 3 state bound (exclusive).
-- Result: deleted rows.
DELETE FROM {{table}}
WHERE local_id IN (?) AND state >= ? AND state < ?
