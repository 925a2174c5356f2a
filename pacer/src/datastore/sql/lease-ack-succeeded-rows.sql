-- lease-ack-succeeded-rows: lease-ack-succeeded.sql's update for acks of many small leases (more than
-- MAX_CASE_BRANCHES in a chunk, lease-acks.ts: every row would evaluate that many CASE branches;
-- 1,000 one-job leases cost 2x this form that way, bench/lease-ack-cost.ts): the acks as JSON rows
-- joined to the job rows, one statement per 1,000. Same effect, row by row, as lease-ack-succeeded.sql;
-- a job named under two leases matches under the one it is open for.
-- As lease-ack-succeeded: success acks of jobs claimed by leases (lease mode; run by the broker that
-- holds the leases in memory) -> SUCCEEDED: the row records the lease it settles (settled_lease),
-- and only that: every column written keeps its width, so InnoDB updates the row in place (the
-- lease's claim descriptor is read through settled_lease, settled-descriptor.sql: lookups after the
-- ack read the same as in per-job mode; migration 0004). The row's own claim_descriptor is set to
-- NULL: it is NULL already (enqueue) unless retryFailedJobs or an import left an earlier claim's
-- there, which would hide the lease's from readers. Only a job still claimed by THAT lease matches (state 0 and
-- not settled by it or a later lease): a second ack, or an ack after the claim timed out, is a
-- no-op, re-checked on the locked row. A descriptor whose queue/partition/priority do not match
-- the job's row is a no-op (as ack-succeeded.sql).
-- params: acks (JSON text: [[id, lease_id, claim_descriptor, queue, part, priority], ...]), appendCustomStatus, nowMs
-- The lease named for each job names it: the broker's lease map pairs a job only with a lease
-- written (committed) naming it, and the API's fallback finds it by THE RULE (lease-of-jobs.sql).
-- The statement does not look the lease up (a per-row EXISTS … JSON_CONTAINS cost a quarter of
-- it, bench/lease-ack-cost.ts): `settled_lease < lease_id` on the locked row is the whole check. A
-- lease is deleted only after every job it names is settled (an ack, a timeout), or with its jobs
-- (deleteQueue), so a job it still claims is exactly a state-0 row below it.
-- Plan: the JSON rows drive (STRAIGHT_JOIN), jobs by PRIMARY (eq_ref): only the named rows are locked.
-- The descriptor's queue/partition/priority are compared per row (a row-constructor IN list over
-- the whole batch was evaluated per row: quadratic, 1.2 s for 2,000 acks).
-- result: affectedRows
UPDATE JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$[0]', lease_id BIGINT PATH '$[1]', claim_descriptor VARCHAR(200) PATH '$[2]',
  queue VARCHAR(100) PATH '$[3]', part INT PATH '$[4]', priority INT PATH '$[5]')) a
STRAIGHT_JOIN {{jobs}} j ON j.id = a.id
SET j.state = 2, j.custom_status = LEFT(CONCAT(j.custom_status, ?), 5000), j.updated_at_ms = ?, j.settled_lease = a.lease_id,
  j.claim_descriptor = NULL
WHERE j.state = 0 AND j.settled_lease < a.lease_id
  AND CAST(j.queue AS BINARY) = CAST(a.queue AS BINARY) AND j.part = a.part AND j.priority = a.priority
