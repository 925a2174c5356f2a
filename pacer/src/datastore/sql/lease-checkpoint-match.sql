-- lease-checkpoint-match: which jobs of a checkpoint group (lease mode) the checkpoint applies to,
-- locked FOR UPDATE in the checkpoint's transaction: a job still claimed by the lease the broker
-- holds for it (state 0, not settled by it or a later lease), whose descriptor tokens match the
-- job's row, and whose lease's claim descriptor contains `source` (LIKE, unescaped, as
-- checkpoint-job.sql and PinLater, FACTS §5.5).
-- params: items (JSON text: [[id, lease_id, claim_descriptor, queue, part, priority], ...]), source
-- The lease must exist and name the job (the broker's map says so; the statement checks it too).
-- Plan: the JSON rows drive (STRAIGHT_JOIN), jobs by PRIMARY (eq_ref), the lease by PRIMARY: only the named rows are locked.
-- result: rows [{id}]
SELECT j.id
FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$[0]', lease_id BIGINT PATH '$[1]', claim_descriptor VARCHAR(200) PATH '$[2]',
  queue VARCHAR(100) PATH '$[3]', part INT PATH '$[4]', priority INT PATH '$[5]')) a
STRAIGHT_JOIN {{jobs}} j ON j.id = a.id
WHERE j.state = 0 AND j.settled_lease < a.lease_id
  AND EXISTS (SELECT 1 FROM {{claimLeases}} l WHERE l.queue = j.queue AND l.part = j.part AND l.lease_id = a.lease_id
              AND JSON_CONTAINS(l.job_ids, CAST(j.id AS CHAR)))
  AND CAST(j.queue AS BINARY) = CAST(a.queue AS BINARY) AND j.part = a.part AND j.priority = a.priority
  AND a.claim_descriptor LIKE CONCAT('%', ?, '%')
FOR UPDATE
