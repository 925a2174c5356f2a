-- lease-checkpoint: a checkpoint group (lease mode) on the jobs lease-checkpoint-match.sql found
-- and locked: PinLater's checkpoint (FACTS §5.5; as checkpoint-job.sql) with the row staying
-- state 0; the job's lease claim is settled (settled_lease = its lease). With moveToPending the job
-- is then PENDING; otherwise the caller names it in a new lease in the same transaction (claimed
-- now: the claim timeout starts again, as a checkpoint's updated_at_ms does for a per-job claim).
-- params: items (JSON text: [[id, lease_id, claim_descriptor], ...], the matched ones), runAfterMs,
--         hasBody (0/1), body, attempts|NULL, attempts|NULL, prependCustomStatus|NULL,
--         prependCustomStatus|NULL, moveToPending (0/1), nowMs
-- Plan: the JSON rows drive (STRAIGHT_JOIN), jobs by PRIMARY (eq_ref).
-- result: affectedRows
UPDATE JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$[0]', lease_id BIGINT PATH '$[1]', claim_descriptor VARCHAR(200) PATH '$[2]')) a
STRAIGHT_JOIN {{jobs}} j ON j.id = a.id
SET
  j.run_after_ms = ?,
  j.body = IF(?, ?, j.body),
  j.attempts_allowed = COALESCE(?, j.attempts_allowed),
  j.attempts_remaining = COALESCE(?, j.attempts_remaining),
  j.custom_status = IF(? IS NULL, j.custom_status, LEFT(CONCAT(?, j.custom_status), 5000)),
  j.claim_descriptor = IF(?, NULL, j.claim_descriptor),
  j.updated_at_ms = ?,
  j.settled_lease = a.lease_id
WHERE j.state = 0 AND j.settled_lease < a.lease_id
