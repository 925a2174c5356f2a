-- claim-descriptor-case: one branch of the {{claimDescriptor}} slot of claim-jobs: the ids of one
-- dequeue request get its claim descriptor. Branches are joined with a space inside
-- `CASE ... END`.
-- params: ids (list), claimDescriptor
-- result: fragment
WHEN j.id IN (?) THEN ?
