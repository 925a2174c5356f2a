import { DEFAULT_CLAIM_MODE, type ClaimMode } from '../../pacer/src/broker/claim-batcher';

/**
 * The MySQL span names a broker's claim writes under its `PacerBroker/dequeue` span, per claim
 * mode. Per-job claims are one UPDATE (claim-jobs.sql); a lease claim is one INSERT
 * (lease-claim.sql). One statement makes one `mysql <OPERATION>` span whatever
 * PINLATER_TRACE_STORE_WORK says (`summary` or `commands`, core/src/telemetry/store-work.ts).
 */
export function claimSpanNames(mode: ClaimMode = DEFAULT_CLAIM_MODE): string[] {
  return mode === 'per-job' ? ['mysql UPDATE'] : ['mysql INSERT'];
}
