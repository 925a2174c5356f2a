import { DEFAULT_CLAIM_MODE, type ClaimMode } from '../../pacer/src/broker/claim-batcher';

/**
 * The MySQL span names a broker's claim writes under its `PacerBroker/dequeue` span, per claim
 * mode and PINLATER_TRACE_STORE_WORK setting. Per-job claims are one UPDATE (claim-jobs.sql); a
 * lease claim is one INSERT (lease-claim.sql). With `summary` (core/src/telemetry/store-work.ts) an
 * operation's statements make ONE `mysql <OPERATION>` span, `BATCH` when they differ; with
 * `commands`, one span per statement: either way one span here.
 */
export function claimSpanNames(_storeWork: 'summary' | 'commands', mode: ClaimMode = DEFAULT_CLAIM_MODE): string[] {
  return mode === 'per-job' ? ['mysql UPDATE'] : ['mysql INSERT'];
}
