-- export-jobs: one page of a queue's jobs of one state and priority, by id (cursor = last id).
-- Claim leases (leased-jobs.sql, the {{leasedJobs}} slot, the queue's leases): a state-0 row a
-- lease holds exports as IN_PROGRESS with the lease's claim descriptor and claim time
-- (updated_at_ms), never as PENDING (a row a lease ack settled: its lease's descriptor,
-- settled-descriptor.sql): an IN_PROGRESS page reads stored states 1 and 0, and keeps
-- the state-0 rows a lease holds (the read state, computed twice, is the filter).
-- Plan: as before, PRIMARY in id order from the cursor, stopping at `limit` (every row walked is
-- read and filtered); a state-0 row probes the materialized leases by id.
-- params: <leasedJobs: queue, 0, max part>, queue, states (list: [state], or [1, 0] for
--         IN_PROGRESS), priority, afterId, state, limit
-- result: rows
SELECT j.id, j.part, j.priority, IF(lj.job_id IS NULL, j.state, 1) AS state,
  COALESCE(lj.claim_descriptor, {{settledDescriptor}}) AS claim_descriptor, j.attempts_allowed, j.attempts_remaining,
  j.custom_status, j.created_at_ms, COALESCE(lj.claimed_at_ms, j.updated_at_ms) AS updated_at_ms, j.run_after_ms, j.body
FROM {{jobs}} j
LEFT JOIN ({{leasedJobs}}) AS lj ON lj.job_id = j.id
WHERE j.queue = ? AND j.state IN (?) AND j.priority = ? AND j.id > ? AND IF(lj.job_id IS NULL, j.state, 1) = ?
ORDER BY j.id
LIMIT ?
