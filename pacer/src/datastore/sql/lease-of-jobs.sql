-- lease-of-jobs: the lease claiming each of these jobs of one queue's partitions, by THE RULE
-- (leased-jobs.sql, the {{leasedJobs}} slot: the highest lease of the job's own partition naming
-- it above its settled_lease, state 0). For acks the API settles itself when no broker can take
-- them (an owner unknown during a ZooKeeper outage, a broker unreachable; store-acks.ts): the ack
-- statements then re-check, on the locked row, that the lease still claims the job. Jobs no lease
-- claims are absent.
-- params: <leasedJobs: queue, partFrom, partTo>, ids (list)
-- result: rows [{job_id, lease_id, claim_descriptor}]
SELECT lj.job_id, lj.lease_id, lj.claim_descriptor FROM ({{leasedJobs}}) AS lj WHERE lj.job_id IN (?)
