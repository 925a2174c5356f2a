-- move-take-candidates: the copier's take (docs/migration.md), step 1: the first jobs of one
-- partition, priority and state in run-after order (PENDING: ready and future alike), no lock
-- (index-only range of idx_jobs_ready). The caller merges partitions and keeps the earliest.
-- params: queue, part, state, priority, limit
-- result: rows [{id, run_after_ms}]
SELECT id, run_after_ms FROM {{jobs}}
WHERE queue = ? AND part = ? AND state = ? AND priority = ?
ORDER BY run_after_ms, id
LIMIT ?
