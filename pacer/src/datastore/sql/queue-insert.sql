-- queue-insert: register a queue (no-op if it exists, like PinLater's createQueue on error 1007).
-- params: name, numPartitions, numPriorities, fifo (0/1), maxJobsPerSecond|NULL, defaultAttemptsAllowed, nowMs
-- result: affectedRows 1 = created, 0 = already existed
INSERT IGNORE INTO {{queues}}
  (name, num_partitions, num_priorities, fifo, max_jobs_per_second, default_attempts_allowed, created_at_ms)
VALUES (?, ?, ?, ?, ?, ?, ?)
