-- move-take: the copier's take, step 3: the locked rows leave service (state + TAKEN_OFFSET,
-- move-states.ts: 10 + state, a value no serving statement selects). Times, claim and attempts
-- stay as they were, so a restore puts the job back exactly.
-- params: takenOffset, ids (list), state
-- result: affectedRows
UPDATE {{jobs}} FORCE INDEX (PRIMARY) SET state = state + ?
WHERE id IN (?) AND state = ?
