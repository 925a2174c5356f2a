-- move-take: the copier's take, step 3: the locked rows leave service (state + TAKEN_OFFSET,
-- move-states.ts: 10 + state, a value no serving statement selects). Times, claim and attempts
-- stay as they were, so a restore puts the job back exactly; a row a lease ack settled gets its
-- lease's claim descriptor stored (settled-descriptor.sql, evaluated before the state changes:
-- assignments run left to right), so the taken row holds what it reads whatever becomes of the
-- lease's descriptor meanwhile.
-- params: takenOffset, ids (list), state
-- result: affectedRows
UPDATE {{jobs}} j FORCE INDEX (PRIMARY) SET j.claim_descriptor = {{settledDescriptor}}, j.state = j.state + ?
WHERE j.id IN (?) AND j.state = ?
