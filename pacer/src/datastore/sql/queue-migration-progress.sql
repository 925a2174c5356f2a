-- queue-migration-progress: the lease holder's progress, fenced: only while the fence (owner and
-- epoch) still holds the lease (not released, not taken over), so a copier whose lease was taken
-- writes nothing. Counters add; source_empty_since_ms and last_error are set when their flag says
-- so (NULL clears); first_seen_table_version is kept once set.
-- params: movedPending, movedFailed, movedSucceeded, setEmpty (0/1), sourceEmptySinceMs|NULL,
--         firstSeenTableVersion|NULL, setError (0/1), lastError|NULL, nowMs, queue, owner, epoch
-- result: affectedRows (0 = fenced, or no row)
UPDATE {{queueMigrations}} SET moved_pending = moved_pending + ?, moved_failed = moved_failed + ?,
  moved_succeeded = moved_succeeded + ?, source_empty_since_ms = IF(?, ?, source_empty_since_ms),
  first_seen_table_version = COALESCE(first_seen_table_version, ?), last_error = IF(?, ?, last_error), updated_at_ms = ?
WHERE queue = ? AND lease_owner = ? AND lease_epoch = ?
