-- scan-jobs: scanJobs over the whole queue, run-after descending, truncated to limit (the same
-- result as PinLater's per-shard per-priority limits followed by the global merge).
-- params: queue, state, priorities (list), runAfterFrom, runAfterTo, regex|NULL, regex|NULL, limit
-- result: rows
SELECT id, part, priority, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
  created_at_ms, run_after_ms, updated_at_ms
FROM {{jobs}}
WHERE queue = ? AND state = ? AND priority IN (?) AND run_after_ms BETWEEN ? AND ?
  AND (? IS NULL OR body REGEXP ?)
ORDER BY run_after_ms DESC, id DESC
LIMIT ?
