-- lease-timeout-delete: deletes the partition's timed-out leases once their jobs are settled
-- (lease-timeout-done/-retry). Not fenced by itself: the monitor's transaction is (owner-guard.sql,
-- as for the per-job timeouts); the admin pass (runMonitorOnce) runs unguarded, as PinLater's.
-- params: queue, part, lease ids (list)
-- Plan: claim_leases by PRIMARY (queue, part, lease_id): only those rows are locked.
-- result: affectedRows = leases deleted
DELETE FROM {{claimLeases}} WHERE queue = ? AND part = ? AND lease_id IN (?)
