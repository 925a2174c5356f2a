-- move-pending-rows: which of these jobs are PENDING now, where and from when (after a restore or
-- a publish, to notify the brokers owning their partitions).
-- params: ids (list)
-- result: rows [{part, priority, run_after_ms}]
SELECT part, priority, run_after_ms FROM {{jobs}} WHERE id IN (?) AND state = 0
