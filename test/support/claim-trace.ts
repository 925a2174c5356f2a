import { DEFAULT_CLAIM_MODE, type ClaimMode } from '../../pacer/src/broker/claim-batcher';

/**
 * The MySQL span names a broker's claim writes under its `PacerBroker/dequeue` span, per claim
 * mode and PINLATER_TRACE_STORE_WORK setting. Per-job claims are one UPDATE (claim-jobs.sql); a
 * lease claim is a locking SELECT, then the lease INSERT (lease-claim-lock.sql,
 * claim-leases-insert.sql). With `summary` (core/src/telemetry/store-work.ts) an operation's
 * statements make ONE `mysql <OPERATION>` span, `BATCH` when they differ; with `commands`, one span
 * per statement.
 */
export function claimSpanNames(storeWork: 'summary' | 'commands', mode: ClaimMode = DEFAULT_CLAIM_MODE): string[] {
  if (mode === 'per-job') return ['mysql UPDATE'];
  return storeWork === 'summary' ? ['mysql BATCH'] : ['mysql SELECT', 'mysql INSERT'];
}
