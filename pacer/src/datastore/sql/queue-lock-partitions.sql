-- queue-lock-partitions: a queue's partition count, row locked for a partition-count change.
-- params: name
-- result: rows (0 or 1): num_partitions, fifo
SELECT num_partitions, fifo FROM {{queues}} WHERE name = ? FOR UPDATE
