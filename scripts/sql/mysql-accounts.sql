-- Statements: one least-privilege MySQL account per role (issue 8; docs/security-mysql-accounts.md
--   gives each grant's reason). Applied by scripts/mysql-accounts.ts as an administrator;
--   idempotent: every account is created if missing, gets its configured password, loses every
--   privilege, then gets exactly the grants below (a grant removed here is removed on the server).
-- Slots (filled by scripts/mysql-accounts.ts, never from request data):
--   {{legacy_gateway}} {{pacer_gateway}} {{pacer_broker}} {{pacer_migrator}} {{copier}}
--     = accounts as 'user'@'host' literals; {{<role>_password}} = password literals;
--   {{pacer_db}} = the Pacer database as a back-quoted GRANT pattern (`_` and `%` escaped).
-- Legacy queue databases are `plq_<shard>_<queue>` (FACTS §5.2): the pattern `plq\_%` names them all
--   and nothing else. No account gets a global privilege, so none reads mysql.* or another database.
-- Statements are separated by a line that ends with `;`.

-- Legacy MySQL gateway: createQueue (CREATE DATABASE, CREATE TABLE with its indexes), deleteQueue
-- (DROP DATABASE), every job statement (DML). SHOW DATABASES then lists exactly the plq_ databases.
CREATE USER IF NOT EXISTS {{legacy_gateway}} IDENTIFIED BY {{legacy_gateway_password}};
ALTER USER {{legacy_gateway}} IDENTIFIED BY {{legacy_gateway_password}};
REVOKE ALL PRIVILEGES, GRANT OPTION FROM {{legacy_gateway}};
GRANT CREATE, DROP, SELECT, INSERT, UPDATE, DELETE ON `plq\_%`.* TO {{legacy_gateway}};

-- Pacer API (gateway-pacer): queue registry and job rows, DML only; the schema is the migrator's.
CREATE USER IF NOT EXISTS {{pacer_gateway}} IDENTIFIED BY {{pacer_gateway_password}};
ALTER USER {{pacer_gateway}} IDENTIFIED BY {{pacer_gateway_password}};
REVOKE ALL PRIVILEGES, GRANT OPTION FROM {{pacer_gateway}};
GRANT SELECT, INSERT, UPDATE, DELETE ON {{pacer_db}}.* TO {{pacer_gateway}};

-- Pacer broker: claims (and claim leases, migration 0003), partition ownership, monitor (timeouts, GC), DML only.
CREATE USER IF NOT EXISTS {{pacer_broker}} IDENTIFIED BY {{pacer_broker_password}};
ALTER USER {{pacer_broker}} IDENTIFIED BY {{pacer_broker_password}};
REVOKE ALL PRIVILEGES, GRANT OPTION FROM {{pacer_broker}};
GRANT SELECT, INSERT, UPDATE, DELETE ON {{pacer_db}}.* TO {{pacer_broker}};

-- Pacer schema migrator: the only role that can change the schema (CREATE DATABASE of the Pacer
-- database itself, tables, indexes, foreign keys) and write schema_migrations.
CREATE USER IF NOT EXISTS {{pacer_migrator}} IDENTIFIED BY {{pacer_migrator_password}};
ALTER USER {{pacer_migrator}} IDENTIFIED BY {{pacer_migrator_password}};
REVOKE ALL PRIVILEGES, GRANT OPTION FROM {{pacer_migrator}};
GRANT CREATE, ALTER, DROP, INDEX, REFERENCES, SELECT, INSERT, UPDATE, DELETE ON {{pacer_db}}.* TO {{pacer_migrator}};

-- Migration copier: reads and writes jobs on both sides, DML only (queues are created by the
-- gateways' createQueue, never by the copier).
CREATE USER IF NOT EXISTS {{copier}} IDENTIFIED BY {{copier_password}};
ALTER USER {{copier}} IDENTIFIED BY {{copier_password}};
REVOKE ALL PRIVILEGES, GRANT OPTION FROM {{copier}};
GRANT SELECT, INSERT, UPDATE, DELETE ON `plq\_%`.* TO {{copier}};
GRANT SELECT, INSERT, UPDATE, DELETE ON {{pacer_db}}.* TO {{copier}};
