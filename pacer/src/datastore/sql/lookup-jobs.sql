-- lookup-jobs: rows for lookupJobs (the caller filters on queue/partition/priority of each descriptor).
-- Only PinLater's states 0 … 3: a job the migration copier has taken (10 … 13) or staged (20 … 23)
-- is absent, as a job no server serves (docs/migration.md; lookups of moved jobs follow the ledger).
-- A row a claim lease holds (leased-jobs.sql, the {{leasedJobs}} slot) reads IN_PROGRESS with the
-- lease's claim descriptor, and its claim time as updated_at_ms; every other row as stored (a row
-- a lease ack settled reads its lease's descriptor, settled-descriptor.sql).
-- Plan: jobs by PRIMARY (the ids); the leases of the looked-up partitions (one queue, partitions
-- from … to …) materialized once and probed by job id.
-- params: includeBody (0/1), <leasedJobs: queue, partFrom, partTo>, ids (list)
-- result: rows
SELECT j.id, j.queue, j.part, j.priority, IF(lj.job_id IS NULL, j.state, 1) AS state, j.attempts_allowed,
  j.attempts_remaining, j.created_at_ms, j.run_after_ms, COALESCE(lj.claimed_at_ms, j.updated_at_ms) AS updated_at_ms,
  COALESCE(lj.claim_descriptor, {{settledDescriptor}}) AS claim_descriptor, j.custom_status, IF(?, j.body, NULL) AS body
FROM {{jobs}} j
LEFT JOIN ({{leasedJobs}}) AS lj ON lj.job_id = j.id
WHERE j.id IN (?) AND j.state BETWEEN 0 AND 3
