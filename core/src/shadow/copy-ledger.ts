/**
 * The shadow drainer's bookkeeping of each shadow copy it touched (shadow-drainer.ts): whether the
 * copy's lifecycle is in step with its legacy twin's, so a lookup comparison knows when a state
 * difference is the mirror's lag and not Pacer's (shadow-fields.ts "Lookups").
 *
 * A copy is *in flight* (its state, attempts, custom status and run-after may differ from its
 * twin's by design) while
 * - an ack is outstanding for it: its twin's ack on legacy (`begin` before the legacy call, `end`
 *   after it), or the drainer's own ack of the copy on Pacer;
 * - one of its twin's outcomes waits for the drainer to claim the copy (`pushOutcome`), kept in
 *   arrival order: a job failed, retried and then acked again gets both outcomes, one per claim,
 *   so the copy goes through the same attempts and custom statuses as its twin;
 * - it was touched (any of the above began or ended) since `mark`: a lookup takes a mark before
 *   its primary read, so a copy that moved while the lookup's reads ran is never judged on them;
 * - it diverged for good: the drainer released it without its twin's outcome (hold time passed,
 *   too many held), or an ack of it was lost (dropped or failed), so the copy's lifecycle no longer
 *   follows its twin's.
 *
 * Bounded: at most `capacity` copies are kept (least recently touched evicted; the shadow engine
 * sizes it like the alias map, so a copy a lookup can still reach keeps its record).
 */
import { BoundedLru } from './bounded-lru';

interface CopyRecord<O> {
  /** The ledger's sequence when the copy was last touched. */
  seq: number;
  /** Acks outstanding (the twin's on legacy, the copy's on Pacer). */
  pending: number;
  /** The twin's outcomes waiting for a claim of the copy, oldest first. */
  outcomes: O[];
  diverged: boolean;
}

export class CopyLedger<O> {
  private readonly records: BoundedLru<string, CopyRecord<O>>;
  private seq = 0;

  constructor(capacity: number) {
    this.records = new BoundedLru(capacity);
  }

  /** The position now: `inFlight(copy, mark)` counts anything that touches the copy after it. */
  mark(): number {
    return this.seq;
  }

  /** An ack of the copy or of its twin began. */
  begin(copy: string): void {
    this.touch(copy).pending += 1;
  }

  /** That ack ended; `lost`: it may not have applied (dropped, failed), so the copy diverged. */
  end(copy: string, lost = false): void {
    const record = this.touch(copy);
    record.pending = Math.max(0, record.pending - 1);
    if (lost) record.diverged = true;
  }

  /** The copy's lifecycle no longer follows its twin's. */
  diverge(copy: string): void {
    this.touch(copy).diverged = true;
  }

  /** The twin's outcome, waiting until the drainer claims the copy. */
  pushOutcome(copy: string, outcome: O): void {
    this.touch(copy).outcomes.push(outcome);
  }

  /** The drainer claimed the copy: its oldest waiting outcome, removed (undefined when none waits). */
  takeOutcome(copy: string): O | undefined {
    return this.touch(copy).outcomes.shift();
  }

  /** Whether the copy's lifecycle may differ from its twin's by design (the header's list). */
  inFlight(copy: string, since: number): boolean {
    const record = this.records.get(copy);
    if (record === undefined) return false;
    return record.diverged || record.pending > 0 || record.outcomes.length > 0 || record.seq > since;
  }

  private touch(copy: string): CopyRecord<O> {
    this.seq += 1;
    let record = this.records.get(copy);
    if (record === undefined) this.records.set(copy, (record = { seq: this.seq, pending: 0, outcomes: [], diverged: false }));
    record.seq = this.seq;
    return record;
  }
}
