-- move-list: taken (state 10 … 13) or staged (20 … 23) jobs of one partition, by id (the copier's
-- recovery: listTaken, listStaged). Range of idx_jobs_ready (queue, part, state).
-- params: queue, part, bandLow, bandHigh, limit
-- result: rows
SELECT id, part, priority, state, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
  created_at_ms, updated_at_ms, run_after_ms, body
FROM {{jobs}}
WHERE queue = ? AND part = ? AND state BETWEEN ? AND ?
ORDER BY id
LIMIT ?
