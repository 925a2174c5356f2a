-- settled-descriptor: fragment, the {{settledDescriptor}} slot of the statements that read a job
-- row `j` as stored (lease-read-rule.ts): the claim descriptor the row reads. A row settled as
-- SUCCEEDED or FAILED by a lease ack (migration 0004) does not hold its descriptor: it names the
-- lease (settled_lease), whose descriptor is read from settled_descriptors once the lease is
-- deleted (settled-descriptors-copy.sql runs before every DELETE of a lease) and from the lease
-- while it lives (claim_leases). settled_descriptors first: in the statements that lock what they
-- read (retry-failed.sql, move-take*.sql, REPEATABLE READ) a settled job's lease is usually gone,
-- and a lookup of a missing claim_leases row would lock the gap where the partition's next leases
-- are inserted, stalling its claims. Both hold the same descriptor for one lease id (a copy is
-- never changed; only a copy left by a deleted queue's lease, when deleteQueue raced a broker's
-- copy, could differ, and the lease's own copy overwrites it). Every other row reads its
-- own column: per-job claims, rows written before 0004, PENDING rows (a retry or a claim timeout
-- leaves none, as PinLater; retryFailedJobs stores the FAILED row's in the row, retry-failed.sql),
-- and rows a copier take holds (12, 13: move-take.sql stores the resolved descriptor in the row).
-- Plan: two PRIMARY KEY lookups per terminal row without a descriptor; none for any other row.
-- params: none
-- result: an expression (VARCHAR(200) or NULL)
COALESCE(j.claim_descriptor, IF(j.settled_lease <> 0 AND j.state IN (2, 3, 12, 13),
  COALESCE(
    (SELECT sd.claim_descriptor FROM {{settledDescriptors}} sd
     WHERE sd.queue = j.queue AND sd.part = j.part AND sd.lease_id = j.settled_lease),
    (SELECT cl.claim_descriptor FROM {{claimLeases}} cl
     WHERE cl.queue = j.queue AND cl.part = j.part AND cl.lease_id = j.settled_lease)),
  NULL))
