-- owner-guard: fencing check inside a claim/monitor transaction. The share lock makes a takeover
-- (owner-lock ... FOR UPDATE) wait for in-flight claims, and makes claims after the takeover see
-- the new epoch: a stale owner's transaction is rolled back before it changes anything.
-- params: queue, part
-- result: rows [{owner_id, epoch}] (0 or 1)
SELECT owner_id, epoch FROM {{partitionOwners}} WHERE queue = ? AND part = ? LOCK IN SHARE MODE
