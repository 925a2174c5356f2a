import type { BrokerStore, ClaimGroup, ClaimOutcome } from '../datastore/broker-store';
import type { Clock } from '../../../core/src/util/clock';
import type { BrokerCounters } from './broker-counters';

interface Waiter {
  groups: ClaimGroup[];
  resolve: (outcome: ClaimOutcome) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for claims: a dequeue's claim goes out at once when no claim transaction is
 * running; while one runs, the claims of concurrent dequeues accumulate and go out together in the
 * next transaction. Every caller resolves only after its claim committed.
 */
export class ClaimBatcher {
  private waiting: Waiter[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: BrokerStore,
    private readonly clock: Clock,
    private readonly counters: BrokerCounters,
  ) {}

  submit(groups: ClaimGroup[]): Promise<ClaimOutcome> {
    return new Promise<ClaimOutcome>((resolve, reject) => {
      this.waiting.push({ groups, resolve, reject });
      this.running ??= this.drain().finally(() => {
        this.running = undefined;
      });
    });
  }

  /** Resolves when no claim is running or waiting. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        const outcome = await this.store.claim(batch.flatMap((w) => w.groups), this.clock.nowMs());
        this.counters.claimBatches += 1;
        this.counters.claimedJobs += outcome.claimed.size;
        for (const w of batch) w.resolve(outcome);
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
  }
}
