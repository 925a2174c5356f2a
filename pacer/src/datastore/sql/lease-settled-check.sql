-- lease-settled-check: which of a broker's leased job ids are no longer claimed by the lease the
-- broker holds for them (acked or timed out elsewhere, deleted, or settled by a later lease):
-- the broker drops those from its lease map, so a job made PENDING again can be buffered.
-- params: ids (list)
-- result: rows [{id, state, settled_lease}] (ids with no row are gone)
SELECT id, state, settled_lease FROM {{jobs}} WHERE id IN (?)
