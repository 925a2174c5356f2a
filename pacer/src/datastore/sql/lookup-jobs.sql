-- lookup-jobs: rows for lookupJobs (the caller filters on queue/partition/priority of each descriptor).
-- Only PinLater's states 0 … 3: a job the migration copier has taken (10 … 13) or staged (20 … 23)
-- is absent, as a job no server serves (docs/migration.md; lookups of moved jobs follow the ledger).
-- params: includeBody (0/1), ids (list)
-- result: rows
SELECT id, queue, part, priority, state, attempts_allowed, attempts_remaining, created_at_ms, run_after_ms,
  updated_at_ms, claim_descriptor, custom_status, IF(?, body, NULL) AS body
FROM {{jobs}} WHERE id IN (?) AND state BETWEEN 0 AND 3
