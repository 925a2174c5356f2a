/**
 * The shadow drainer (issue 13): Pacer's dequeue and ack path carries the production shape of a
 * queue in shadow mode, and nothing is ever executed.
 *
 * - When a client's real (not dry-run) dequeue got n jobs from legacy, the drainer dequeues up to
 *   n shadow copies from the shadow queue with the same request shape (limit, priority, coverage,
 *   claim descriptor) and holds their descriptors: it never hands them to anyone.
 * - When the client acks legacy descriptors, each one's shadow copy (the alias map, legacy →
 *   shadow descriptor) is acked with the same outcome, custom status and retry delay. Legacy and
 *   Pacer hand jobs out in different orders, so the copy may not be claimed yet: its outcome waits
 *   and is applied when the drainer claims that copy. Outcomes wait in order, one applied per
 *   claim: a job failed (retried) and acked again before its copy was claimed gets both, so the
 *   copy spends the same attempts and gets the same custom statuses as its twin.
 * - A client may ack a job before its copy exists (the enqueue copy is still on its way): its
 *   outcomes wait under its legacy descriptor (`copying`) until the copy's alias is known.
 * - The copy ledger (copy-ledger.ts) records, per copy, what keeps its lifecycle out of step with
 *   its twin's (an ack outstanding on either side, outcomes waiting, released without its twin's
 *   outcome) and when it last moved: `inTransit` answers lookup comparisons from it.
 * - A held copy whose legacy ack does not come within `holdMs` (its alias is unknown or was
 *   evicted, the worker died, the ack went to another gateway), or beyond `maxHeld` held copies, is
 *   released: acked succeeded, so nothing piles up in Pacer.
 *
 * Alternative considered: a drainer loop that dequeues at the legacy rate on its own timer. It
 * would not mirror the request shape or the acks' outcomes, and would need a rate estimate;
 * following each real call is simpler and exact.
 *
 * Checkpoints are not mirrored: they change a claimed job's body, run-after or attempts for the
 * worker's own bookkeeping, and a shadow copy has no worker; the held copy is acked with the
 * legacy outcome all the same. Copies still held when the gateway closes stay claimed in Pacer
 * until its claim timeout puts them back, and a later dequeue drains them.
 *
 * All Pacer calls run as shadow tasks (shadow-executor.ts): bounded, timed out, dropped under load.
 */
import type { Logger } from '../logging/logger';
import type { PinLaterBackend } from '../interfaces/pinlater-backend';
import type { AckInfo, AckRequest, DequeueRequest } from '../types/requests';
import type { Clock } from '../util/clock';
import { BoundedLru } from './bounded-lru';
import { CopyLedger } from './copy-ledger';
import type { ShadowExecutor } from './shadow-executor';
import type { ShadowObserver } from './shadow-observer';
import { shadowQueueName } from './shadow-queue-name';
import type { ShadowStatistics } from './shadow-statistics';

export interface ShadowDrainerDeps {
  readonly pacer: PinLaterBackend;
  /** Legacy descriptor → shadow descriptor (filled when enqueues are copied). */
  readonly aliases: BoundedLru<string, string>;
  readonly executor: ShadowExecutor;
  readonly statistics: ShadowStatistics;
  readonly observer: ShadowObserver;
  readonly clock: Clock;
  readonly logger: Pick<Logger, 'debug'>;
  readonly holdMs: number;
  readonly maxHeld: number;
  /** Copies the ledger keeps at most (the shadow engine passes the alias map's size). */
  readonly ledgerSize: number;
}

interface Outcome {
  readonly succeeded: boolean;
  readonly info: AckInfo;
}

/** Acks for one shadow queue, by outcome, keyed by the shadow descriptors. */
interface AckBatch {
  readonly queue: string;
  readonly succeeded: AckInfo[];
  readonly failed: AckInfo[];
}

export class ShadowDrainer {
  /** Claimed shadow copies by descriptor, oldest first: their queue and claim time. */
  private readonly held = new Map<string, { readonly queue: string; readonly claimedAtMs: number }>();
  /** Per copy: acks outstanding, legacy outcomes that arrived before the drainer claimed it, divergence. */
  private readonly ledger: CopyLedger<Outcome>;
  /** Legacy descriptors whose copy is being written, with the outcomes acked meanwhile. */
  private readonly uncopied: BoundedLru<string, Outcome[]>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly deps: ShadowDrainerDeps) {
    this.ledger = new CopyLedger(deps.ledgerSize);
    this.uncopied = new BoundedLru(deps.maxHeld);
    const everyMs = Math.max(100, Math.min(5000, Math.floor(deps.holdMs / 4)));
    this.sweeper = setInterval(() => this.releaseExpired(), everyMs);
    this.sweeper.unref();
  }

  /** A real dequeue on `req.queue` handed out `count` legacy jobs: claim up to as many copies. */
  mirrorDequeue(req: DequeueRequest, count: number): void {
    if (count <= 0 || req.dryRun) return;
    const shadowReq: DequeueRequest = { queue: shadowQueueName(req.queue), limit: count, dryRun: false, coverage: req.coverage, claimDescriptor: req.claimDescriptor };
    if (req.onlyPriority !== undefined) shadowReq.onlyPriority = req.onlyPriority;
    this.deps.executor.submit(req.queue, async () => {
      const { jobs } = await this.deps.pacer.dequeueJobs(shadowReq);
      const batch = emptyBatch(req.queue);
      for (const job of jobs) this.claimed(req.queue, job.descriptor, batch);
      this.releaseBeyondBound();
      this.began(batch);
      await this.ack(batch);
    }, 'copy');
  }

  /** Legacy just answered an enqueue with these descriptors; their copies are being written. */
  copying(legacy: readonly string[]): void {
    for (const descriptor of legacy) this.uncopied.set(descriptor, []);
  }

  /**
   * The copy of `legacy` of `queue` is `shadow` (its alias is set): the outcomes acked meanwhile go
   * to it (a claim may have taken the copy before its alias was known).
   */
  copied(queue: string, legacy: string, shadow: string): void {
    const outcomes = this.uncopied.take(legacy);
    if (outcomes === undefined || outcomes.length === 0) return;
    const batch = emptyBatch(queue);
    for (const outcome of outcomes) this.deliver(shadow, outcome, batch);
    this.submitAck(batch);
  }

  /** These legacy descriptors got no copy (the copy failed or was dropped): their outcomes are dropped. */
  copyLost(legacy: readonly string[]): void {
    for (const descriptor of legacy) this.uncopied.take(descriptor);
  }

  /** The client's ack of legacy descriptors is about to be applied on legacy: their copies are in flight. */
  twinAcking(req: AckRequest): void {
    for (const shadow of this.copiesOf(req)) this.ledger.begin(shadow);
  }

  /** That legacy ack failed: it may have applied in part, so the copies no longer follow their twins. */
  twinAckFailed(req: AckRequest): void {
    for (const shadow of this.copiesOf(req)) this.ledger.end(shadow, true);
  }

  /** The client acked legacy descriptors of `req.queue` (after `twinAcking`): ack their copies alike. */
  mirrorAck(req: AckRequest): void {
    const batch = emptyBatch(req.queue);
    for (const info of req.succeeded) this.acked(info, true, batch);
    for (const info of req.failed) this.acked(info, false, batch);
    this.submitAck(batch);
  }

  /**
   * Whether the copy's lifecycle may be out of step with its twin's by design: held by the drainer,
   * or in flight in the ledger (an ack outstanding, outcomes waiting, diverged, or moved after
   * `since`, a `mark()`).
   */
  inTransit(shadowDescriptor: string, since: number): boolean {
    return this.held.has(shadowDescriptor) || this.ledger.inFlight(shadowDescriptor, since);
  }

  /** The ledger's position now: take it before a lookup's primary read (copy-ledger.ts). */
  mark(): number {
    return this.ledger.mark();
  }

  /** Held copies now (for tests and the report). */
  heldCount(): number {
    return this.held.size;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private claimed(queue: string, descriptor: string, batch: AckBatch): void {
    const outcome = this.ledger.takeOutcome(descriptor);
    if (outcome === undefined) this.held.set(descriptor, { queue, claimedAtMs: this.deps.clock.nowMs() });
    else (outcome.succeeded ? batch.succeeded : batch.failed).push({ ...outcome.info, descriptor });
  }

  private acked(info: AckInfo, succeeded: boolean, batch: AckBatch): void {
    const shadow = this.deps.aliases.get(info.descriptor);
    if (shadow === undefined) {
      this.uncopied.get(info.descriptor)?.push({ succeeded, info });
      return;
    }
    this.ledger.end(shadow); // the twin's ack (twinAcking) applied
    this.deliver(shadow, { succeeded, info }, batch);
  }

  /** A twin's outcome: acks the copy when the drainer holds it, else waits for a claim of it. */
  private deliver(shadow: string, outcome: Outcome, batch: AckBatch): void {
    if (this.held.delete(shadow)) (outcome.succeeded ? batch.succeeded : batch.failed).push({ ...outcome.info, descriptor: shadow });
    else this.ledger.pushOutcome(shadow, outcome);
  }

  /** The copies of the acked legacy descriptors that have one. */
  private copiesOf(req: AckRequest): string[] {
    return [...req.succeeded, ...req.failed].flatMap((info) => {
      const shadow = this.deps.aliases.get(info.descriptor);
      return shadow === undefined ? [] : [shadow];
    });
  }

  /** Beyond `maxHeld`, the oldest held copies are released now (only those are visited). */
  private releaseBeyondBound(): void {
    let excess = this.held.size - this.deps.maxHeld;
    if (excess <= 0) return;
    const beyond: string[] = [];
    for (const descriptor of this.held.keys()) {
      if (excess-- <= 0) break;
      beyond.push(descriptor);
    }
    this.release(beyond);
  }

  /** Held copies claimed more than `holdMs` ago are released. */
  private releaseExpired(): void {
    const cutoff = this.deps.clock.nowMs() - this.deps.holdMs;
    const expired: string[] = [];
    for (const [descriptor, { claimedAtMs }] of this.held) {
      if (claimedAtMs > cutoff) break; // oldest first
      expired.push(descriptor);
    }
    this.release(expired);
  }

  /** Acks held copies succeeded (one task per queue). */
  private release(descriptors: readonly string[]): void {
    const batches = new Map<string, AckBatch>();
    for (const descriptor of descriptors) {
      const queue = this.held.get(descriptor)?.queue;
      if (queue === undefined) continue;
      this.held.delete(descriptor);
      this.ledger.diverge(descriptor); // acked without its twin's outcome
      let batch = batches.get(queue);
      if (batch === undefined) batches.set(queue, (batch = emptyBatch(queue)));
      batch.succeeded.push({ descriptor, appendCustomStatus: '', retryDelayMs: 0 });
    }
    for (const batch of batches.values()) this.submitAck(batch);
  }

  /** The batch's copies are acking from now (they left `held`, or their outcome was taken); the ack runs as a task. */
  private submitAck(batch: AckBatch): void {
    if (batch.succeeded.length + batch.failed.length === 0) return;
    this.began(batch);
    if (!this.deps.executor.submit(batch.queue, () => this.ack(batch), 'copy')) this.ended(batch, true);
  }

  /** Acks the batch's copies on Pacer (after `began`); a failed ack leaves them diverged. */
  private async ack(batch: AckBatch): Promise<void> {
    if (batch.succeeded.length + batch.failed.length === 0) return;
    let lost = true;
    try {
      await this.deps.pacer.ackDequeuedJobs({ queue: shadowQueueName(batch.queue), succeeded: batch.succeeded, failed: batch.failed });
      lost = false;
    } finally {
      this.ended(batch, lost);
    }
    this.counted(batch.queue, 'succeeded', batch.succeeded.length);
    this.counted(batch.queue, 'failed', batch.failed.length);
  }

  private began(batch: AckBatch): void {
    for (const { descriptor } of [...batch.succeeded, ...batch.failed]) this.ledger.begin(descriptor);
  }

  private ended(batch: AckBatch, lost: boolean): void {
    for (const { descriptor } of [...batch.succeeded, ...batch.failed]) this.ledger.end(descriptor, lost);
  }

  private counted(queue: string, result: 'succeeded' | 'failed', jobs: number): void {
    if (jobs === 0) return;
    this.deps.statistics.drained(queue, jobs);
    this.deps.observer.drained(queue, result, jobs);
  }
}

function emptyBatch(queue: string): AckBatch {
  return { queue, succeeded: [], failed: [] };
}
