-- Migration 0003: claim leases (issue 15, docs/pacer-performance.md "Claim leases: the design to
-- build"): a claim batch writes one `claim_leases` row per partition and claim descriptor instead of
-- updating every job row, and `jobs.settled_lease` records the lease whose claim a row last settled.
-- Written and read by pacer/src/datastore/claim-leases.ts only; no dequeue, ack or read path uses
-- either yet (runbooks/pacer-schema-migrate.md, "Migration 0003").
--
-- Applied by pacer/src/datastore/migrator.ts in one transaction with its schema_migrations row
-- (MariaDB commits DDL implicitly, so every statement here must be safe to re-run after a crash:
-- CREATE TABLE IF NOT EXISTS, ADD COLUMN IF NOT EXISTS). The migrator checksums the statements, not
-- this file: comments and layout may be corrected, a statement change needs a new migration
-- (runbooks/pacer-schema-migrate.md). Table names here are history; the code takes them from
-- pacer/src/datastore/tables.ts. Documented in docs/pacer-schema.md.
--
-- Online: a new table, and a column added with ALGORITHM=INSTANT (a metadata change: no table
-- copy or rebuild, whatever the size of `jobs`; the server refuses the statement rather than copy).
-- Times are epoch milliseconds (BIGINT) written from the process clock, never MySQL NOW().

-- One row per partition of a claim batch and claim descriptor, written by the partition's owner in
-- ONE fenced INSERT ... SELECT per batch (claim-leases-insert.sql: the owner row is share-locked and
-- must still hold owner_id and epoch, so a stale owner's lease is never written). No
-- AUTO_INCREMENT: with innodb_autoinc_lock_mode = 1 an INSERT ... SELECT into an auto-increment
-- table holds a table lock for the whole statement. No foreign key to `queues` either: the insert
-- checks nothing but the owner row, and nothing else has to be locked on the claim path.
CREATE TABLE IF NOT EXISTS claim_leases (
  queue VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  part INT NOT NULL,
  -- epoch * 2^32 + a per-partition counter, chosen by the owner (claim-lease-id.ts): increasing
  -- per partition across owners, since every owner has a larger epoch than the one before.
  lease_id BIGINT NOT NULL,
  -- The owner (partition_owners.owner_id, epoch) that wrote the lease.
  owner_id VARCHAR(200) NOT NULL,
  epoch BIGINT NOT NULL,
  -- The claim of the dequeue the lease serves (jobs.claim_descriptor of its jobs while leased).
  claim_descriptor VARCHAR(200) NOT NULL,
  -- Claim time: the claim timeout counts from it.
  claimed_at_ms BIGINT NOT NULL,
  -- JSON array of the leased jobs' ids (jobs.id), as decimal integers: [17, 18, 21].
  job_ids JSON NOT NULL,
  PRIMARY KEY (queue, part, lease_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The lease (claim_leases.lease_id) whose claim the job row last settled (ack, failure, claim
-- timeout); 0 = none. A PENDING row named by a lease of its partition with a larger lease_id is
-- IN_PROGRESS under that lease.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS settled_lease BIGINT NOT NULL DEFAULT 0, ALGORITHM=INSTANT;
