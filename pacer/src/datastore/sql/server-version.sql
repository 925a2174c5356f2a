-- server-version: the server's version string, read once per pool to tell MariaDB from MySQL
-- (statement-time-limit.ts: the two limit a statement's run time differently).
-- params: none
-- result: one row {version}
SELECT VERSION() AS version
