-- pending-by-ids: the rows a broker buffers, for ids the refill found.
-- params: ids (list)
-- result: rows (only those still pending)
SELECT id, priority, run_after_ms, attempts_allowed, attempts_remaining, created_at_ms, updated_at_ms, body
FROM {{jobs}} WHERE id IN (?) AND state = 0
