-- Statement: claim up to N eligible jobs (FACTS §5.5 "Dequeue (claim)").
-- Identifiers: {{table}}.
-- Placeholders: 1 claim descriptor, 2 new state (1 = IN_PROGRESS), 3 required state (0), 4 limit.
-- Semantics: no ORDER BY (InnoDB picks, usually (state, run_after) index order); eligibility by
--   the database clock NOW(). Affected rows > 0 -> run dequeue-select-claimed.sql.
UPDATE {{table}}
SET claim_descriptor = ?, state = ?
WHERE state = ? AND run_after <= NOW()
LIMIT ?
