-- Statement: catalog listing used for queue discovery (FACTS §5.2; what JDBC getCatalogs runs).
-- Identifiers: none.  Placeholders: none.
-- Result: one row per database, first column = name; filtered by tables.ts.
SHOW DATABASES
