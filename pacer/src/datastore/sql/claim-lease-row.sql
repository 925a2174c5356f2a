-- claim-lease-row: fragment of claim-leases-insert.sql, one lease of the batch as a derived row.
-- params: queue, part, lease_id, claim_descriptor, claimed_at_ms, job_ids (JSON text)
SELECT ? AS queue, ? AS part, ? AS lease_id, ? AS claim_descriptor, ? AS claimed_at_ms, ? AS job_ids
