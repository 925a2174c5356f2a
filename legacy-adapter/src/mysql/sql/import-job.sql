-- Statement: insert one job with all its metadata (migration copier; not a PinLater statement).
-- Identifiers: {{table}}.
-- Placeholders: 1 state, 2 claim_descriptor (or NULL), 3 attempts_allowed, 4 attempts_remaining,
--   5 custom status (cut to 5000 characters), 6 updated_at, 7 created_at, 8 run_after, 9 body.
-- Result: insertId = the new local_id. An explicit updated_at is kept on insert.
INSERT INTO {{table}}
  (state, claim_descriptor, attempts_allowed, attempts_remaining, custom_status,
   updated_at, created_at, run_after, body)
VALUES (?, ?, ?, ?, SUBSTRING(?, 1, 5000), ?, ?, ?, ?)
