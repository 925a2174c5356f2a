-- Migration 0004: settled claim descriptors (issue 15, docs/pacer-performance.md "An ack that does
-- not grow the row"). A lease-mode ack no longer writes the lease's claim descriptor into every
-- job row it settles (NULL -> 30-60 bytes grows the row, so InnoDB cannot update it in place: a
-- third of the ack's cost); the row keeps `settled_lease`, and the descriptor is read from the
-- lease while it lives and from this table once the lease is deleted. One row per deleted lease,
-- copied in the statement before the lease's DELETE (settled-descriptors-copy.sql), deleted by the
-- partition monitor once no SUCCEEDED/FAILED job of the partition can name it
-- (settled-descriptors-gc.sql).
--
-- Applied by pacer/src/datastore/migrator.ts in one transaction with its schema_migrations row
-- (MariaDB commits DDL implicitly: CREATE TABLE IF NOT EXISTS makes it safe to re-run). The
-- migrator checksums the statements, not this file. Table names here are history; the code takes
-- them from pacer/src/datastore/tables.ts. Documented in docs/pacer-schema.md.
--
-- Online: a new table; nothing else is touched.

CREATE TABLE IF NOT EXISTS settled_descriptors (
  queue VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  part INT NOT NULL,
  -- The deleted lease (claim_leases.lease_id); job rows it settled hold it as jobs.settled_lease.
  lease_id BIGINT NOT NULL,
  -- The lease's claim descriptor: what lookups, scans and exports show for those jobs.
  claim_descriptor VARCHAR(200) NOT NULL,
  -- When the lease was deleted (process clock): every job it settled was settled before.
  settled_at_ms BIGINT NOT NULL,
  PRIMARY KEY (queue, part, lease_id),
  KEY idx_settled_descriptors_age (queue, part, settled_at_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
