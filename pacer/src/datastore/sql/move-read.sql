-- move-read: jobs as stored, by id (a stage reads back what it wrote).
-- params: ids (list)
-- result: rows
SELECT id, part, priority, state, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
  created_at_ms, updated_at_ms, run_after_ms, body
FROM {{jobs}} WHERE id IN (?)
