-- lease-open-jobs: a partition takeover's read of its leased jobs (lease-settlement.ts,
-- loadOpenLeases): of the given ids, the rows still PENDING in that partition, with the lease each
-- last settled. A job is still open under a lease L naming it iff its row is here with
-- settled_lease < L (THE RULE, leased-jobs.sql); ids not returned are settled, or gone.
-- params: ids (list, at most a chunk), queue, part
-- Plan: jobs by PRIMARY (range over the id list), queue/part/state checked on the rows read.
-- result: rows [{id, settled_lease (decimal text)}]
SELECT id, CAST(settled_lease AS CHAR) AS settled_lease FROM {{jobs}} WHERE id IN (?) AND queue = ? AND part = ? AND state = 0
