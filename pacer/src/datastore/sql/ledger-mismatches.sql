-- ledger-mismatches: entries of a migration whose job changed in the move (checksums differ), in
-- primary key order; the server walks the migration's primary key range and returns at most `limit`.
-- params: migrationId, limit
-- result: rows (every column but moved_at_ms)
SELECT source_descriptor, target_descriptor, queue, state, priority, source_checksum, target_checksum
FROM {{jobMoves}}
WHERE migration_id = ? AND source_checksum <> target_checksum
ORDER BY source_descriptor
LIMIT ?
