-- queue-set-partitions: record a queue's new (larger) partition count.
-- params: numPartitions, name
-- result: affectedRows
UPDATE {{queues}} SET num_partitions = ? WHERE name = ?
