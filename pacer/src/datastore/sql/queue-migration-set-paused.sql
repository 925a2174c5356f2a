-- queue-migration-set-paused: pause (1) or resume (0) a queue's copying (operator command).
-- params: paused (0/1), nowMs, queue
-- result: affectedRows (0 = no row for the queue)
UPDATE {{queueMigrations}} SET paused = ?, updated_at_ms = ? WHERE queue = ?
