import type { BrokerStore } from '../datastore/broker-store';
import type { LeaseClaimGroup, LeaseClaimOutcome } from '../datastore/lease-claims';
import type { Clock } from '../../../core/src/util/clock';
import { GroupCommit } from '../util/group-commit';
import type { BrokerCounters } from './broker-counters';
import type { BrokerInstruments } from './broker-instruments';

/**
 * How a broker claims: `per-job` updates every claimed job row (claim-jobs.sql); `lease` writes one
 * lease row per partition and dequeue and leaves the job rows alone (lease-claim.sql: one statement; issue 15,
 * docs/pacer-performance.md "Claim leases").
 */
export type ClaimMode = 'per-job' | 'lease';

/** Every claim mode, for configuration schemas. */
export const CLAIM_MODES = ['per-job', 'lease'] as const;

/**
 * The claim mode of brokers that do not name one (PACER_CLAIMS; an embedded broker: the backend
 * JSON's "claims"). APIs need none: they ack as each dequeue reply says its jobs were claimed.
 */
export const DEFAULT_CLAIM_MODE: ClaimMode = 'lease';

/** Claim statements of one broker in flight at once (the next batch forms while they run). */
export const CLAIMS_IN_FLIGHT = 2;

/**
 * Group commit for claims: a dequeue's claim goes out at once while fewer than CLAIMS_IN_FLIGHT
 * claim statements run; beyond that the claims of concurrent dequeues accumulate and go out
 * together in the next statement (one commit). Every caller resolves only after its claim
 * committed.
 */
export class ClaimBatcher {
  private readonly group: GroupCommit<LeaseClaimGroup[], LeaseClaimOutcome>;

  constructor(
    private readonly mode: ClaimMode,
    private readonly store: BrokerStore,
    private readonly clock: Clock,
    private readonly counters: BrokerCounters,
    private readonly instruments: BrokerInstruments,
  ) {
    this.group = new GroupCommit((batch) => this.claim(batch.flat()), CLAIMS_IN_FLIGHT);
  }

  /** In per-job mode the groups' lease ids are ignored and the outcome names no lease. */
  submit(groups: LeaseClaimGroup[]): Promise<LeaseClaimOutcome> {
    return this.group.submit(groups);
  }

  /** Resolves when every claim submitted before this call has finished (later ones are not awaited). */
  flushed(): Promise<void> {
    return this.group.flushed();
  }

  private async claim(groups: LeaseClaimGroup[]): Promise<LeaseClaimOutcome> {
    this.instruments.claimBatch(groups.reduce((n, g) => n + g.ids.length, 0));
    const nowMs = this.clock.nowMs();
    const outcome = this.mode === 'lease' ? await this.store.claimLeases(groups, nowMs) : { ...(await this.store.claim(groups, nowMs)), leases: [] };
    this.counters.claimBatches += 1;
    this.counters.claimedJobs += outcome.claimed.size;
    return outcome;
  }
}
