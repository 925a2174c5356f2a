-- lease-claim-lock: lease mode's claim, step 1 (in one transaction with claim-leases-insert.sql):
-- which of the buffered jobs a claim batch names are still PENDING and due, their rows read LOCK IN
-- SHARE MODE by PRIMARY, so a deleteJobs or a copier take of one of them either committed first
-- (the job is left out) or waits for this claim's commit (and then sees the lease: IN_PROGRESS).
-- An explicit locking read of its own: an INSERT … SELECT joining the job rows behind a one-row
-- derived table was seen to read them without their share locks (MariaDB 10.11), and a take then
-- moved a job the lease named (test/integration/pacer-job-mover.test.ts, "a take racing dequeues").
-- params: ids (list), nowMs
-- result: rows [{id, queue, part}] (the caller keeps each id only for its own partition's lease)
SELECT id, queue, part FROM {{jobs}} FORCE INDEX (PRIMARY)
WHERE id IN (?) AND state = 0 AND run_after_ms <= ?
LOCK IN SHARE MODE
