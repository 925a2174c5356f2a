-- leased-ids: which of these locked PENDING rows a claim lease holds now (leased-jobs.sql, the
-- {{leasedJobs}} slot): step 2b of the copier's take (move-rows.ts, after move-take-lock) and of a
-- PENDING deleteJobs round (pending-deletes.ts, after delete-pending-lock), in their transaction.
-- It is the transaction's first consistent read, taken after the row locks, so a lease whose claim
-- share-locked one of these rows (lease-claim.sql) and made the locking read wait has
-- committed and is seen here; a claim after the locks waits for the commit and then finds the row
-- taken or deleted. Those ids are left alone (they are IN_PROGRESS).
-- params: <leasedJobs: queue, partFrom, partTo>, ids (list)
-- result: rows [{id}]
SELECT lj.job_id AS id FROM ({{leasedJobs}}) AS lj WHERE lj.job_id IN (?)
