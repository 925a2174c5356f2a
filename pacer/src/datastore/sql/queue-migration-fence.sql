-- queue-migration-fence: inside a ledger record's transaction, whether the fence (owner, epoch)
-- still holds the queue's lease. The share lock makes a takeover (queue-migration-lease-acquire,
-- an UPDATE of this row) wait until the record commits, and a record after the takeover sees the
-- new owner: a copier that lost its lease can never record a move (its staged copies stay
-- unrecorded, and the new holder discards them).
-- params: queue, owner, epoch
-- result: rows [{held: 1}] (0 or 1)
SELECT 1 AS held FROM {{queueMigrations}} WHERE queue = ? AND lease_owner = ? AND lease_epoch = ? LOCK IN SHARE MODE
