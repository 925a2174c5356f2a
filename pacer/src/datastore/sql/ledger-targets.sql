-- ledger-targets: the targets recorded in one migration for some sources (primary key lookups).
-- params: migrationId, sourceDescriptors (list)
-- result: rows [{source_descriptor, target_descriptor}]
SELECT source_descriptor, target_descriptor FROM {{jobMoves}}
WHERE migration_id = ? AND source_descriptor IN (?)
