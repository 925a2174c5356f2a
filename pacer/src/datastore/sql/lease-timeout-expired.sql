-- lease-timeout-expired: the claim leases of one partition whose claim timed out (claimed before
-- the cutoff), in lease id order, as many WHOLE leases as fit one monitor pass's bound: a prefix
-- of them whose job ids add up to at most maxJobs, and always the first (a lease larger than the
-- bound is taken alone). A consistent read: no lease row is locked.
-- params: queue, part, claimedBeforeMs, maxJobs
-- Plan: claim_leases by the PRIMARY KEY prefix (queue, part), only the partition's leases (tens to
-- low hundreds of rows), claimed_at_ms filtered on them; the window's running sum is one sort of
-- those rows. No index on claimed_at_ms: the partition's leases are few.
-- result: rows [{lease_id (decimal text: exact above 2^53)}]
SELECT CAST(lease_id AS CHAR) AS lease_id FROM (
  SELECT lease_id, SUM(JSON_LENGTH(job_ids)) OVER (ORDER BY lease_id) AS jobs_through,
    SUM(JSON_LENGTH(job_ids)) OVER (ORDER BY lease_id) - JSON_LENGTH(job_ids) AS jobs_before
  FROM {{claimLeases}}
  WHERE queue = ? AND part = ? AND claimed_at_ms < ?
) AS expired
WHERE jobs_through <= ? OR jobs_before = 0
ORDER BY lease_id
