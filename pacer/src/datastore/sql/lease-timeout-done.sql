-- lease-timeout-done: jobs whose lease claim timed out on their last attempt -> FAILED (`<= 1`, as
-- monitor-timeout-done.sql; FACTS §5.7), settled by that lease, with its claim descriptor (what a
-- per-job claim would have left on the row). Only a job still claimed by that lease matches
-- (state 0, settled_lease below it), re-checked on the locked row: an ack that settled it first
-- (and committed while this statement waited for the row) leaves it out, and an ack after this
-- commit matches nothing. Run before lease-timeout-retry.sql on the same rows.
-- params: timeouts (JSON text: [[id, lease_id, claim_descriptor], ...], lease-timeout-open.sql's
--         rows), nowMs, queue, part
-- Plan: the JSON rows drive (STRAIGHT_JOIN), jobs by PRIMARY (eq_ref): only the named rows are locked.
-- result: affectedRows
UPDATE JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$[0]', lease_id BIGINT PATH '$[1]', claim_descriptor VARCHAR(200) PATH '$[2]')) t
STRAIGHT_JOIN {{jobs}} j ON j.id = t.id
SET j.state = 3, j.attempts_remaining = 0, j.claim_descriptor = t.claim_descriptor, j.updated_at_ms = ?,
  j.settled_lease = t.lease_id
WHERE j.queue = ? AND j.part = ? AND j.state = 0 AND j.settled_lease < t.lease_id AND j.attempts_remaining <= 1
