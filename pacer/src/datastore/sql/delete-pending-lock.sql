-- delete-pending-lock: a PENDING deleteJobs round, step 2 (in one transaction with leased-ids and
-- delete-pending-by-ids): the round's candidates still PENDING, row-locked by primary key (only
-- these rows: a claim, an ack or a take of one of them waits for this round's commit, then finds
-- it gone).
-- params: ids (list), queue, priority
-- result: rows [{id}]
SELECT id FROM {{jobs}} FORCE INDEX (PRIMARY)
WHERE id IN (?) AND queue = ? AND priority = ? AND state = 0
FOR UPDATE
