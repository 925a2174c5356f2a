-- lease-ack-succeeded: success acks of jobs claimed by leases (lease mode; run by the broker that
-- holds the leases in memory, and by the API that served them) -> SUCCEEDED: the row records the
-- lease it settles (settled_lease), and only that: every column written keeps its width, so InnoDB
-- updates the row in place (the lease's claim descriptor is read through settled_lease,
-- settled-descriptor.sql: lookups after the ack read the same as in per-job mode; migration 0004).
-- The row's own claim_descriptor is set to NULL: it is NULL already (enqueue) unless
-- retryFailedJobs or an import left an earlier claim's there, which would hide the lease's from
-- readers. Only a job still claimed by THAT lease matches (state 0 and not settled by it or a later
-- lease): a second ack, or an ack after the claim timed out, is a no-op, re-checked on the locked
-- row. A descriptor whose queue/partition/priority do not match the job's row is a no-op.
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
-- still take that form (lease-ack-succeeded-rows.sql).
-- result: affectedRows
UPDATE {{jobs}} FORCE INDEX (PRIMARY)
SET state = 2, custom_status = LEFT(CONCAT(custom_status, ?), 5000), updated_at_ms = ?, claim_descriptor = NULL,
  settled_lease = {{lease}}
WHERE id IN (?) AND state = 0 AND settled_lease < {{lease}}
