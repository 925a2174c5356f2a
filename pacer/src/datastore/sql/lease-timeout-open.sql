-- lease-timeout-open: the jobs the timed-out leases still claim, by THE RULE of claim leases
-- (leased-jobs.sql): a job row of the partition with state 0 is claimed by the HIGHEST lease of the
-- partition naming it with lease_id > settled_lease. A job acked, failed or timed out under the
-- lease (or a later one), or claimed by a later lease, is not returned. A consistent read, no lock:
-- lease-timeout-done/-retry re-check every row under its lock.
-- params: queue, part, lease ids (list: the timed-out leases, lease-timeout-expired.sql)
-- Plan: the partition's leases by the PRIMARY KEY prefix (queue, part), their ids expanded by
-- JSON_TABLE, each job row by PRIMARY (eq_ref); materialized once (the window keeps it from being
-- merged), then filtered to the timed-out leases. Bounded by the partition's leased ids (a few
-- thousand at most). The window partitions by jt.id, not j.id (see leased-jobs.sql).
-- result: rows [{id, lease_id (decimal text), claim_descriptor}] in id order
SELECT job_id AS id, CAST(lease_id AS CHAR) AS lease_id, claim_descriptor FROM (
  SELECT j.id AS job_id, l.lease_id, l.claim_descriptor,
    ROW_NUMBER() OVER (PARTITION BY jt.id ORDER BY l.lease_id DESC) AS nth
  FROM {{claimLeases}} l
  JOIN JSON_TABLE(l.job_ids, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) AS jt
  JOIN {{jobs}} j ON j.id = jt.id AND j.queue = l.queue AND j.part = l.part AND j.state = 0 AND j.settled_lease < l.lease_id
  WHERE l.queue = ? AND l.part = ?
) AS claimed
WHERE nth = 1 AND lease_id IN (?)
ORDER BY job_id
