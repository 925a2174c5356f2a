-- count-jobs: getJobCount for one partition, grouped by priority (the caller caps each group at
-- the count limit, PinLater's per shard per priority cap). Current = run_after <= now, future =
-- run_after > now, passed as an inclusive range.
-- params: queue, part, state, priorities (list), runAfterFrom, runAfterTo, regex|NULL, regex|NULL
-- result: rows [{priority, n}]
SELECT priority, COUNT(*) AS n FROM {{jobs}}
WHERE queue = ? AND part = ? AND state = ? AND priority IN (?) AND run_after_ms BETWEEN ? AND ?
  AND (? IS NULL OR body REGEXP ?)
GROUP BY priority
