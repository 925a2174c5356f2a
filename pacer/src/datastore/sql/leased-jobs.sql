-- leased-jobs: fragment, the {{leasedJobs}} slot of every read and admin statement (lease-read-rule.ts):
-- THE RULE of claim leases (docs/pacer-performance.md, "Claim leases"), in this one place. A job
-- row with state 0 reads IN_PROGRESS iff a lease of its own (queue, part) names its id with
-- lease_id > settled_lease; it then reads the claim descriptor and claim time (claimed_at_ms) of
-- the highest such lease. The derived rows are exactly those jobs, once each: every other row
-- (no lease, settled by it, another partition's lease, state 1 … 3) reads as stored.
-- Bounded: only the leases of one queue's partitions from … to … (a range of the PRIMARY KEY
-- prefix (queue, part)), their ids expanded with JSON_TABLE, each job row by PRIMARY (eq_ref).
-- Plan notes: the derived table is materialized once per statement (the window function keeps it
-- from being merged) and probed by its job_id (MariaDB's derived key). The window partitions by
-- jt.id, the JSON_TABLE column, not by j.id: with a base-table column there, MariaDB may choose
-- its split ("LATERAL DERIVED") plan, which expands the leases again for every outer row.
-- params: queue, partFrom, partTo
-- result: derived rows [{job_id, lease_id, claim_descriptor, claimed_at_ms}] (lease_id: the lease an ack
-- settles, store-acks.ts)
SELECT job_id, lease_id, claim_descriptor, claimed_at_ms FROM (
  SELECT j.id AS job_id, l.lease_id, l.claim_descriptor, l.claimed_at_ms,
    ROW_NUMBER() OVER (PARTITION BY jt.id ORDER BY l.lease_id DESC) AS nth
  FROM {{claimLeases}} l
  JOIN JSON_TABLE(l.job_ids, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) AS jt
  JOIN {{jobs}} j ON j.id = jt.id AND j.queue = l.queue AND j.part = l.part AND j.state = 0 AND j.settled_lease < l.lease_id
  WHERE l.queue = ? AND l.part BETWEEN ? AND ?
) AS ranked
WHERE nth = 1
