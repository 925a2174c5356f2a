-- migrations-select: the applied migrations (any account with SELECT may ask: an up-to-date
-- schema is recognised with this one statement; schema-dump.ts lists the names).
-- params: none
-- result: rows [{version, name, checksum}] by version (ER_NO_SUCH_TABLE before the first migration)
SELECT version, name, checksum FROM {{migrations}} ORDER BY version
