-- Statement: the server's version string, read once per pool to tell MariaDB from MySQL
--   (statement-time-limit.ts: the two servers limit a statement's run time differently).
-- Identifiers: none.  Placeholders: none.
-- Result: one row {version}, e.g. '10.11.19-MariaDB-0+deb12u1' or '8.0.36'.
SELECT VERSION() AS version
