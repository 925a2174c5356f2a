-- lease-ack-failed-done: failure acks of lease-claimed jobs on their last attempt -> FAILED
-- (`<= 1`, see ack-failed-done.sql), settled by their lease, with its claim descriptor. Run
-- before lease-ack-failed-retry.sql on the same acks, which then matches none of these rows
-- (they are no longer state 0). Only a job still claimed by that lease matches.
-- params: acks (JSON text: [[id, lease_id, claim_descriptor, queue, part, priority], ...]), appendCustomStatus, nowMs
-- The lease must exist and name the job (the broker's map says so; the statement checks it too).
-- Plan: the JSON rows drive (STRAIGHT_JOIN), jobs by PRIMARY (eq_ref), the lease by PRIMARY: only the named rows are locked.
-- The descriptor's queue/partition/priority are compared per row (a row-constructor IN list over
-- the whole batch was evaluated per row: quadratic, 1.2 s for 2,000 acks).
-- result: affectedRows
UPDATE JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$[0]', lease_id BIGINT PATH '$[1]', claim_descriptor VARCHAR(200) PATH '$[2]',
  queue VARCHAR(100) PATH '$[3]', part INT PATH '$[4]', priority INT PATH '$[5]')) a
STRAIGHT_JOIN {{jobs}} j ON j.id = a.id
SET j.state = 3, j.custom_status = LEFT(CONCAT(j.custom_status, ?), 5000), j.attempts_remaining = 0, j.updated_at_ms = ?,
  j.claim_descriptor = a.claim_descriptor, j.settled_lease = a.lease_id
WHERE j.state = 0 AND j.settled_lease < a.lease_id
  AND EXISTS (SELECT 1 FROM {{claimLeases}} l WHERE l.queue = j.queue AND l.part = j.part AND l.lease_id = a.lease_id
              AND JSON_CONTAINS(l.job_ids, CAST(j.id AS CHAR))) AND j.attempts_remaining <= 1
  AND CAST(j.queue AS BINARY) = CAST(a.queue AS BINARY) AND j.part = a.part AND j.priority = a.priority
