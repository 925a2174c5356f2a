-- queue-delete-owners: drop a queue's partition ownership rows.
-- params: queue
-- result: affectedRows
DELETE FROM {{partitionOwners}} WHERE queue = ?
