-- queue-migration-set-rate: a queue's copy rate, jobs per second (operator command).
-- params: rateLimitPerS, nowMs, queue
-- result: affectedRows (0 = no row for the queue)
UPDATE {{queueMigrations}} SET rate_limit_per_s = ?, updated_at_ms = ? WHERE queue = ?
