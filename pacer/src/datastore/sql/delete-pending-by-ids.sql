-- delete-pending-by-ids: a PENDING deleteJobs round, step 3: deletes the locked rows no lease holds
-- (delete-pending-lock, then leased-ids), still requiring the body regex when given (a checkpoint
-- may have replaced the body of a job that was claimed and made pending again since step 1; at most
-- one round's rows are matched).
-- params: ids (list), regex|NULL, regex|NULL
-- result: affectedRows
DELETE FROM {{jobs}} WHERE id IN (?) AND state = 0 AND (? IS NULL OR body REGEXP ?)
