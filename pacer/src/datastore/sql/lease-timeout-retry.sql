-- lease-timeout-retry: jobs whose lease claim timed out with attempts left -> PENDING, one attempt
-- consumed, run_after unchanged (due at once), no claim descriptor, custom status untouched (as
-- monitor-timeout-retry.sql; FACTS §5.7). The row stays state 0 and records the lease it settles
-- (settled_lease), which is what makes it PENDING again for every reader. Only a job still claimed
-- by that lease matches, re-checked on the locked row (see lease-timeout-done.sql).
-- params: timeouts (JSON text: [[id, lease_id, claim_descriptor], ...]), nowMs, queue, part
-- Plan: the JSON rows drive (STRAIGHT_JOIN), jobs by PRIMARY (eq_ref): only the named rows are locked.
-- result: affectedRows
UPDATE JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$[0]', lease_id BIGINT PATH '$[1]', claim_descriptor VARCHAR(200) PATH '$[2]')) t
STRAIGHT_JOIN {{jobs}} j ON j.id = t.id
SET j.claim_descriptor = NULL, j.attempts_remaining = j.attempts_remaining - 1, j.updated_at_ms = ?,
  j.settled_lease = t.lease_id
WHERE j.queue = ? AND j.part = ? AND j.state = 0 AND j.settled_lease < t.lease_id AND j.attempts_remaining > 1
