-- claim-leases-insert: ONE autocommit statement writes the leases of a claim batch (one row per
-- partition and claim descriptor), fenced by the datastore itself: a lease is written only when
-- its partition's ownership row still names the owner and epoch it carries. The owner rows are
-- read LOCK IN SHARE MODE whatever the session's isolation level (a plain INSERT ... SELECT reads
-- them without a lock under READ COMMITTED), so a takeover (owner-lock ... FOR UPDATE, then
-- owner-set) and this statement serialize on that row: a stale owner's lease either committed
-- before the takeover (and the new owner loads it with claim-leases-live) or matches nothing after
-- it. Plan: partition_owners by PRIMARY range over the owner tuples, the lease rows by (queue,
-- part); only the batch's owner rows are locked. Queue names compare byte for byte (the column's
-- ascii_bin wins over the parameters' collation), as everywhere else.
-- slot {{leaseRows}}: claim-lease-row.sql once per lease, joined by UNION ALL.
-- params: <per lease: queue, part, lease_id, claim_descriptor, claimed_at_ms, job_ids (JSON text)>,
--         owners (list of [queue, part, owner_id, epoch] tuples)
-- result: affectedRows = leases written. Fewer than the batch → claim-leases-written.
INSERT INTO {{claimLeases}} (queue, part, lease_id, owner_id, epoch, claim_descriptor, claimed_at_ms, job_ids)
SELECT o.queue, o.part, l.lease_id, o.owner_id, o.epoch, l.claim_descriptor, l.claimed_at_ms, l.job_ids
FROM {{partitionOwners}} o
JOIN ({{leaseRows}}) l ON l.queue = o.queue AND l.part = o.part
WHERE (o.queue, o.part, o.owner_id, o.epoch) IN (?)
LOCK IN SHARE MODE
