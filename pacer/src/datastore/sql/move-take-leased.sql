-- move-take-leased: the copier's take, step 2b (in the transaction of move-take-lock, after it):
-- which of the locked PENDING candidates a claim lease holds now (leased-jobs.sql, the
-- {{leasedJobs}} slot, the queue's leases). Its first consistent read is taken after the row
-- locks, so a lease whose claim share-locked one of these rows (lease-claim-lock.sql) and made the
-- take wait has committed and is seen here; a claim after the locks waits for the take's commit
-- and then finds the row taken. Those ids are not taken (they are IN_PROGRESS).
-- params: <leasedJobs: queue, partFrom, partTo>, ids (list)
-- result: rows [{id}]
SELECT lj.job_id AS id FROM ({{leasedJobs}}) AS lj WHERE lj.job_id IN (?)
