import type { BrokerStore, ClaimGroup, ClaimOutcome } from '../datastore/broker-store';
import type { Clock } from '../../../core/src/util/clock';
import { GroupCommit } from '../util/group-commit';
import type { BrokerCounters } from './broker-counters';
import type { BrokerInstruments } from './broker-instruments';

/** Claim statements of one broker in flight at once (the next batch forms while they run). */
export const CLAIMS_IN_FLIGHT = 2;

/**
 * Group commit for claims: a dequeue's claim goes out at once while fewer than CLAIMS_IN_FLIGHT
 * claim statements run; beyond that the claims of concurrent dequeues accumulate and go out
 * together in the next statement (one commit). Every caller resolves only after its claim
 * committed.
 */
export class ClaimBatcher {
  private readonly group: GroupCommit<ClaimGroup[], ClaimOutcome>;

  constructor(
    private readonly store: BrokerStore,
    private readonly clock: Clock,
    private readonly counters: BrokerCounters,
    private readonly instruments: BrokerInstruments,
  ) {
    this.group = new GroupCommit((batch) => this.claim(batch.flat()), CLAIMS_IN_FLIGHT);
  }

  submit(groups: ClaimGroup[]): Promise<ClaimOutcome> {
    return this.group.submit(groups);
  }

  /** Resolves when every claim submitted before this call has finished (later ones are not awaited). */
  flushed(): Promise<void> {
    return this.group.flushed();
  }

  private async claim(groups: ClaimGroup[]): Promise<ClaimOutcome> {
    this.instruments.claimBatch(groups.reduce((n, g) => n + g.ids.length, 0));
    const outcome = await this.store.claim(groups, this.clock.nowMs());
    this.counters.claimBatches += 1;
    this.counters.claimedJobs += outcome.claimed.size;
    return outcome;
  }
}
