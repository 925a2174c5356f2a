-- ledger-resolve: every recorded move of some descriptors, in any migration (idx_job_moves_source);
-- the caller keeps the newest per source (moved_at_ms, then migration_id).
-- params: sourceDescriptors (list)
-- result: rows [{source_descriptor, target_descriptor, moved_at_ms, migration_id}]
SELECT source_descriptor, target_descriptor, moved_at_ms, migration_id FROM {{jobMoves}}
WHERE source_descriptor IN (?)
