-- settled-descriptors-floor: the completion times (updated_at_ms) of the partition's oldest
-- SUCCEEDED and oldest FAILED job (NULL when there is none). A job settled by a lease was settled
-- before the lease was deleted, so a settled descriptor older than both names no job left
-- (settled-descriptors-gc.sql, less a margin for clocks; settled-descriptors.ts).
-- params: queue, part, queue, part
-- Plan: two index dives on idx_jobs_claimed (queue, part, state, updated_at_ms), one per state.
-- result: rows [{succeeded_ms, failed_ms}]
SELECT (SELECT MIN(updated_at_ms) FROM {{jobs}} WHERE queue = ? AND part = ? AND state = 2) AS succeeded_ms,
  (SELECT MIN(updated_at_ms) FROM {{jobs}} WHERE queue = ? AND part = ? AND state = 3) AS failed_ms
