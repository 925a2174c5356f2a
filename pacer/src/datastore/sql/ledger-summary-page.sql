-- ledger-summary-page: one page of a migration's entries in primary key order, after a source
-- descriptor (the summary adds them up page by page: the whole migration is never read at once).
-- params: migrationId, afterSourceDescriptor ('' = from the start), limit
-- result: rows [{source_descriptor, state, source_checksum, target_checksum}]
SELECT source_descriptor, state, source_checksum, target_checksum FROM {{jobMoves}}
WHERE migration_id = ? AND source_descriptor > ?
ORDER BY source_descriptor
LIMIT ?
