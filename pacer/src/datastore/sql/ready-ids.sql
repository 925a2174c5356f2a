-- ready-ids: the first ready jobs of one partition and priority, in serving order
-- (index-only scan of idx_jobs_ready; bodies are fetched only for ids not yet buffered).
-- params: queue, part, priority, nowMs, limit
-- result: rows [{id}]
SELECT id FROM {{jobs}}
WHERE queue = ? AND part = ? AND state = 0 AND priority = ? AND run_after_ms <= ?
ORDER BY run_after_ms, id
LIMIT ?
