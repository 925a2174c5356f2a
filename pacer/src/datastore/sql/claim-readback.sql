-- claim-readback: after claim-jobs matched fewer rows than asked, the current state of the asked
-- ids (the caller counts an id as claimed iff state = 1 with this claim's descriptor and time; only
-- the owning broker claims jobs of its partitions, so no other claim can look the same).
-- params: ids (list)
-- result: rows [{id, state, claim_descriptor, updated_at_ms}] (deleted jobs are absent)
SELECT id, state, claim_descriptor, updated_at_ms FROM {{jobs}} WHERE id IN (?)
