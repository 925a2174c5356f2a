-- migrations-create-table: the migrator's bookkeeping table, created before the first migration
-- (migrator.ts). `checksum` is the sha256 of the migration's statements, comments stripped and
-- whitespace normalized (rows written before that hold the whole file's sha256; migrator.ts
-- accepts the known ones).
-- params: none
-- result: none
CREATE TABLE IF NOT EXISTS {{migrations}} (version INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL,
  checksum CHAR(64) NOT NULL, applied_at_ms BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
