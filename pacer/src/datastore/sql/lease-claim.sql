-- lease-claim: lease mode's claim in ONE autocommit statement (one round trip, one commit): per
-- group (one partition of a claim batch and its dequeue) a lease naming the group's jobs that are
-- still PENDING and due, written only while the partition's ownership row still names the group's
-- owner and epoch. The job rows and the owner row are read LOCK IN SHARE MODE in the same SELECT
-- (a join, no derived table: MariaDB 10.11 was seen to read job rows joined behind a one-row
-- derived table without their locks, which is why the claim was a locking SELECT and an INSERT in
-- one transaction, 4 round trips, until this statement), so a deleteJobs or a copier take of a named job either
-- committed first (the job is left out) or waits for this claim's commit (and then sees the lease:
-- IN_PROGRESS); a takeover (owner-lock … FOR UPDATE) serializes with it as with
-- claim-leases-insert.sql. A group with no job left, or whose owner is fenced, writes no lease.
-- slot {{leaseSelects}}: lease-claim-select.sql once per group, each in parentheses, joined by UNION ALL.
-- params: <per group: lease_id, claim_descriptor, claimed_at_ms, queue, part, owner_id, epoch, ids (list), nowMs>
-- result: rows [{queue, part, lease_id (decimal text), job_ids (JSON text)}]: the leases written
INSERT INTO {{claimLeases}} (queue, part, lease_id, owner_id, epoch, claim_descriptor, claimed_at_ms, job_ids)
{{leaseSelects}}
RETURNING queue, part, CAST(lease_id AS CHAR) AS lease_id, CAST(job_ids AS CHAR) AS job_ids
