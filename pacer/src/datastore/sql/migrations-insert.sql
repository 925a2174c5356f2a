-- migrations-insert: record one applied migration, in the transaction that applied it.
-- params: version, name, checksum, appliedAtMs
-- result: affectedRows
INSERT INTO {{migrations}} (version, name, checksum, applied_at_ms) VALUES (?, ?, ?, ?)
