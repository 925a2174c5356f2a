-- jobs-insert: batched multi-row enqueue/import. With innodb_autoinc_lock_mode <= 1 a multi-row
-- INSERT gets consecutive ids starting at insertId (checked at startup, see job-writer.ts).
-- params: rows [[queue, part, priority, state, claim_descriptor|NULL, attempts_allowed,
--         attempts_remaining, custom_status, created_at_ms, updated_at_ms, run_after_ms, body], ...]
-- result: insertId (first id), affectedRows
INSERT INTO {{jobs}}
  (queue, part, priority, state, claim_descriptor, attempts_allowed, attempts_remaining,
   custom_status, created_at_ms, updated_at_ms, run_after_ms, body)
VALUES ?
