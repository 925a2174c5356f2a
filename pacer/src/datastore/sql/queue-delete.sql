-- queue-delete: drop the registry row (fails with 1451 while jobs reference it).
-- params: name
-- result: affectedRows
DELETE FROM {{queues}} WHERE name = ?
