-- owner-select: the ownership rows of some partitions (fencing check after a claim matched nothing
-- of a partition: fenced, or every buffered job vanished?).
-- params: partitions (list of [queue, part] tuples)
-- result: rows [{queue, part, owner_id, epoch}]
SELECT queue, part, owner_id, epoch FROM {{partitionOwners}} WHERE (queue, part) IN (?)
