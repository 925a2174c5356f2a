-- lookup-jobs: rows for lookupJobs (the caller filters on queue/partition/priority of each descriptor).
-- params: includeBody (0/1), ids (list)
-- result: rows
SELECT id, queue, part, priority, state, attempts_allowed, attempts_remaining, created_at_ms, run_after_ms,
  updated_at_ms, claim_descriptor, custom_status, IF(?, body, NULL) AS body
FROM {{jobs}} WHERE id IN (?)
