-- partition-owners-insert: one ownership row per partition of a new queue (unowned, epoch 0).
-- params: rows [[queue, part, nowMs], ...] (bulk VALUES ?)
-- result: affectedRows
INSERT IGNORE INTO {{partitionOwners}} (queue, part, updated_at_ms) VALUES ?
