-- claim-leases-live: one page of a partition's leases in lease_id order (what a broker taking
-- over the partition loads: the previous owners' leases not yet settled and deleted).
-- params: queue, part, after lease_id (exclusive; -1 for the first page), limit
-- job_ids is read as its text (CAST): MariaDB marks a JSON column in its result metadata, and the
-- driver would parse it itself, with its own number handling; claim-lease-job-ids.ts parses it.
-- result: rows [{queue, part, lease_id, owner_id, epoch, claim_descriptor, claimed_at_ms, job_ids (JSON text)}]
SELECT queue, part, lease_id, owner_id, epoch, claim_descriptor, claimed_at_ms, CAST(job_ids AS CHAR) AS job_ids
FROM {{claimLeases}}
WHERE queue = ? AND part = ? AND lease_id > ?
ORDER BY lease_id
LIMIT ?
