-- lease-claim-select: fragment of lease-claim.sql, one group's lease: the owner row by PRIMARY,
-- the named jobs by PRIMARY (only those rows are locked), their ids aggregated; no row when none
-- is left or the owner is fenced.
-- params: lease_id, claim_descriptor, claimed_at_ms, queue, part, owner_id, epoch, ids (list), nowMs
SELECT o.queue, o.part, ? AS lease_id, o.owner_id, o.epoch, ? AS claim_descriptor, ? AS claimed_at_ms,
  JSON_ARRAYAGG(j.id) AS job_ids
FROM {{partitionOwners}} o
JOIN {{jobs}} j FORCE INDEX (PRIMARY) ON j.queue = o.queue AND j.part = o.part
WHERE o.queue = ? AND o.part = ? AND o.owner_id = ? AND o.epoch = ?
  AND j.id IN (?) AND j.state = 0 AND j.run_after_ms <= ?
GROUP BY o.queue, o.part, o.owner_id, o.epoch
LOCK IN SHARE MODE
