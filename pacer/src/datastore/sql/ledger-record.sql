-- ledger-record: record moves, once per (migration_id, source_descriptor): INSERT IGNORE keeps an
-- entry already recorded as it was (the first target wins; the caller reads the winners back with
-- ledger-targets). The caller validates every value first (lengths, checksum format), so IGNORE
-- can only skip duplicate keys, never truncate.
-- params: rows [[migration_id, source_descriptor, target_descriptor, queue, state, priority,
--         source_checksum, target_checksum, moved_at_ms], ...] (bulk VALUES ?)
-- result: affectedRows (rows inserted)
INSERT IGNORE INTO {{jobMoves}}
  (migration_id, source_descriptor, target_descriptor, queue, state, priority, source_checksum, target_checksum, moved_at_ms)
VALUES ?
