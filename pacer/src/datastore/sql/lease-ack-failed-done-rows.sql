-- lease-ack-failed-done-rows: lease-ack-failed-done.sql's update for acks of many small leases (more than
-- MAX_CASE_BRANCHES in a chunk, lease-acks.ts: every row would evaluate that many CASE branches;
-- 1,000 one-job leases cost 2x this form that way, bench/lease-ack-cost.ts): the acks as JSON rows
-- joined to the job rows, one statement per 1,000. Same effect, row by row, as lease-ack-failed-done.sql;
-- a job named under two leases matches under the one it is open for.
-- As lease-ack-failed-done: failure acks of lease-claimed jobs on their last attempt -> FAILED
-- (`<= 1`, see ack-failed-done.sql), settled by their lease (its claim descriptor read through
-- settled_lease, settled-descriptor.sql; the row's own set to NULL, see lease-ack-succeeded.sql). Run
-- before lease-ack-failed-retry.sql on the same acks, which then matches none of these rows
-- (they are no longer state 0). Only a job still claimed by that lease matches.
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
SET j.state = 3, j.custom_status = LEFT(CONCAT(j.custom_status, ?), 5000), j.attempts_remaining = 0, j.updated_at_ms = ?, j.settled_lease = a.lease_id,
  j.claim_descriptor = NULL
WHERE j.state = 0 AND j.settled_lease < a.lease_id AND j.attempts_remaining <= 1
  AND CAST(j.queue AS BINARY) = CAST(a.queue AS BINARY) AND j.part = a.part AND j.priority = a.priority
