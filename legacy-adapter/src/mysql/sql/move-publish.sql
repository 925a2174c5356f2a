-- Statement: publish one staged row (not a PinLater statement): back to the state it was staged
--   for, the move tag replaced by the source's claim descriptor (NULL when it had none, as a job
--   PinLater never claimed has).
-- Identifiers: {{table}}.
-- Placeholders: 1 amount subtracted from state (20), 2 claim descriptor or NULL, 3 local_id,
--   4 lowest staged state, 5 staged state bound (exclusive).
-- Semantics: updated_at assigned to itself (kept as staged). Result: matched rows (0 or 1; 0 when
--   no longer staged, so a second publish changes nothing).
UPDATE {{table}}
SET state = state - ?, claim_descriptor = ?, updated_at = updated_at
WHERE local_id = ? AND state >= ? AND state < ?
