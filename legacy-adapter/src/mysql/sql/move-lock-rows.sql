-- Statement: the rows among some local ids whose state is in a range, locked FOR UPDATE until the
--   caller's transaction ends (not a PinLater statement). Take step 2 (range = the one state taken
--   from: exactly the candidates still in it, which a concurrent claim can no longer change) and
--   the read-back of freshly staged rows.
-- Identifiers: {{table}}.
-- Placeholders: 1 local ids (list), 2 lowest state, 3 state bound (exclusive).
-- Result: every column (as export-page.sql), earliest run_after first.
SELECT local_id, state, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
       created_at, run_after, updated_at, body
FROM {{table}}
WHERE local_id IN (?) AND state >= ? AND state < ?
ORDER BY run_after, local_id
FOR UPDATE
