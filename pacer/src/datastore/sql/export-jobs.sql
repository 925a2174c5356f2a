-- export-jobs: one page of a queue's jobs of one state and priority, by id (cursor = last id).
-- params: queue, state, priority, afterId, limit
-- result: rows
SELECT id, part, priority, state, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
  created_at_ms, updated_at_ms, run_after_ms, body
FROM {{jobs}} WHERE queue = ? AND state = ? AND priority = ? AND id > ?
ORDER BY id
LIMIT ?
