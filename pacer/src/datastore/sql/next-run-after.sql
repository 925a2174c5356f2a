-- next-run-after: when the next future pending job of a partition and priority becomes ready.
-- params: queue, part, priority, nowMs
-- result: rows [{run_after_ms}] (0 or 1)
SELECT run_after_ms FROM {{jobs}}
WHERE queue = ? AND part = ? AND state = 0 AND priority = ? AND run_after_ms > ?
ORDER BY run_after_ms
LIMIT 1
