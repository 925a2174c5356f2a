-- queue-partition-counts: every registered queue with its partition count (a Pacer gateway's /health).
-- params: none
-- result: rows [{name, num_partitions}]
SELECT name, num_partitions FROM {{queues}} ORDER BY name
