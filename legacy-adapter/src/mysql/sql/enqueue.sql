-- Statement: insert one pending job (FACTS §5.5 "Enqueue").
-- Identifiers: {{table}} = `plq_<shard>_<queue>`.`jobs_p<priority>` (back-quoted by tables.ts).
-- Placeholders: 1 state (0 = PENDING), 2 attempts_allowed, 3 attempts_remaining (= allowed),
--   4 custom status (cut to 5000 characters), 5 created_at (client clock, whole seconds),
--   6 run_after (job value if set, even 0, else created_at), 7 body bytes.
-- Result: insertId = the new local_id.
INSERT INTO {{table}}
  (state, attempts_allowed, attempts_remaining, custom_status, created_at, run_after, body)
VALUES (?, ?, ?, SUBSTRING(?, 1, 5000), ?, ?, ?)
