-- queue-select: one queue's registry row.
-- params: name
-- result: rows (0 or 1)
SELECT name, num_partitions, num_priorities, fifo, max_jobs_per_second, default_attempts_allowed, created_at_ms
FROM {{queues}} WHERE name = ?
