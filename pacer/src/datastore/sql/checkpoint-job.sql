-- checkpoint-job: PinLater checkpoint (FACTS §5.5): only an IN_PROGRESS job whose claim descriptor
-- contains `source` (LIKE, unescaped as in PinLater); status is prepended; attempts not consumed.
-- params: state, runAfterMs, hasBody (0/1), body, attempts|NULL, attempts|NULL,
--         prependCustomStatus|NULL, prependCustomStatus|NULL, moveToPending (0/1), nowMs,
--         queue, part, priority, id, source
-- result: affectedRows (0 = no-op, stat <queue>_checkpoint_noop)
UPDATE jobs SET
  state = ?,
  run_after_ms = ?,
  body = IF(?, ?, body),
  attempts_allowed = COALESCE(?, attempts_allowed),
  attempts_remaining = COALESCE(?, attempts_remaining),
  custom_status = IF(? IS NULL, custom_status, LEFT(CONCAT(?, custom_status), 5000)),
  claim_descriptor = IF(?, NULL, claim_descriptor),
  updated_at_ms = ?
WHERE queue = ? AND part = ? AND priority = ? AND id = ? AND state = 1
  AND claim_descriptor LIKE CONCAT('%', ?, '%')
