-- settled-descriptors-gc: deletes settled descriptors of one partition older than a cutoff
-- (settled-descriptors.ts: the floor of settled-descriptors-floor.sql less a margin), bounded.
-- params: queue, part, settledBeforeMs, limit
-- Plan: idx_settled_descriptors_age (queue, part, settled_at_ms) range.
-- result: affectedRows
DELETE FROM {{settledDescriptors}} WHERE queue = ? AND part = ? AND settled_at_ms < ? LIMIT ?
