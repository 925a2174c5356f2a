-- claimed-ids: which ids claim-jobs actually claimed, when it claimed fewer than asked (some were
-- acked, deleted or changed meanwhile). Same transaction, so it sees its own update.
-- params: ids (list), claimDescriptor, nowMs
-- result: rows [{id}]
SELECT id FROM jobs WHERE id IN (?) AND state = 1 AND claim_descriptor = ? AND updated_at_ms = ?
