-- lease-ack-failed-done: failure acks of lease-claimed jobs on their last attempt -> FAILED
-- (`<= 1`, see ack-failed-done.sql), settled by their lease (its claim descriptor read through
-- settled_lease, settled-descriptor.sql; the row's own set to NULL, see lease-ack-succeeded.sql). Run
-- before lease-ack-failed-retry.sql on the same acks, which then matches none of these rows
-- (they are no longer state 0). Only a job still claimed by that lease matches.
-- params: appendCustomStatus, nowMs, {{lease}} params, ids (list), {{lease}} params
-- The lease named for each job names it: the broker's lease map pairs a job only with a lease
-- written (committed) naming it, and the API's fallback finds it by THE RULE (lease-of-jobs.sql).
-- The statement does not look the lease up (a per-row EXISTS … JSON_CONTAINS cost a quarter of
-- it, bench/lease-ack-cost.ts): `settled_lease < lease` on the locked row is the whole check. A
-- lease is deleted only after every job it names is settled (an ack, a timeout), or with its jobs
-- (deleteQueue), so a job it still claims is exactly a state-0 row below it.
-- Plan: jobs by PRIMARY on the id list (FORCE INDEX, as ack-succeeded.sql: only the named rows are
-- locked), one table: the lease of each row is the {{lease}} CASE (lease-ack-case.sql). It was a
-- join of the acks as JSON_TABLE rows, which MariaDB materialized and then re-read the updated rows
-- by position from a second temporary table: 1.3-1.5x the per-job ack's cost per row, against
-- 0.95-1.05x now (bench/lease-ack-cost.ts, 2026-12-05); acks of more than MAX_CASE_BRANCHES leases
-- still take that form (lease-ack-failed-done-rows.sql).
-- result: affectedRows
UPDATE {{jobs}} FORCE INDEX (PRIMARY)
SET state = 3, custom_status = LEFT(CONCAT(custom_status, ?), 5000), attempts_remaining = 0, updated_at_ms = ?,
  claim_descriptor = NULL, settled_lease = {{lease}}
WHERE id IN (?) AND state = 0 AND settled_lease < {{lease}} AND attempts_remaining <= 1
