-- checkpoint-job: PinLater checkpoint (FACTS §5.5): only an IN_PROGRESS job whose claim descriptor
-- contains `source` (LIKE, unescaped as in PinLater); status is prepended; attempts not consumed.
-- One statement per group of items of one request with identical SET values and distinct ids
-- (job-acks.ts keeps each job's items in request order).
-- params: state, runAfterMs, hasBody (0/1), body, attempts|NULL, attempts|NULL,
--         prependCustomStatus|NULL, prependCustomStatus|NULL, moveToPending (0/1), nowMs,
--         ids (list), refs (list of [queue, part, priority, id] tuples), source
-- FORCE INDEX (PRIMARY): with long ref lists the optimizer may prefer an idx_jobs_* range, whose
-- next-key locks deadlock with concurrent claims; by id only the listed rows are locked.
-- result: affectedRows (items - affectedRows = no-ops, stat <queue>_checkpoint_noop)
UPDATE {{jobs}} FORCE INDEX (PRIMARY) SET
  state = ?,
  run_after_ms = ?,
  body = IF(?, ?, body),
  attempts_allowed = COALESCE(?, attempts_allowed),
  attempts_remaining = COALESCE(?, attempts_remaining),
  custom_status = IF(? IS NULL, custom_status, LEFT(CONCAT(?, custom_status), 5000)),
  claim_descriptor = IF(?, NULL, claim_descriptor),
  updated_at_ms = ?
WHERE id IN (?) AND state = 1 AND (queue, part, priority, id) IN (?)
  AND claim_descriptor LIKE CONCAT('%', ?, '%')
