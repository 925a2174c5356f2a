-- dry-run: dequeue dryRun: the first ready jobs of one partition and priority, nothing claimed.
-- params: queue, part, priority, nowMs, limit
-- result: rows
SELECT id, priority, attempts_allowed, attempts_remaining, created_at_ms, updated_at_ms, body
FROM {{jobs}}
WHERE queue = ? AND part = ? AND state = 0 AND priority = ? AND run_after_ms <= ?
ORDER BY run_after_ms, id
LIMIT ?
