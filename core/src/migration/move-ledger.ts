/**
 * The record of every job a copier moved (issue 11): source descriptor → target descriptor, per
 * migration, with the checksums of the job as taken and as stored. It makes the copier's import
 * idempotent (the first target recorded for a source wins) and keeps old descriptors resolving
 * (lookups follow it, `resolve`). Implemented in Pacer's database (pacer/src/migration-store/).
 */
export interface MoveLedger extends AliasResolver {
  /**
   * Records moves, each once per (migrationId, sourceDescriptor); an entry already recorded is
   * kept as it was. Resolves with the target in force for every source given (the earlier
   * winner's when one existed). Fenced: written only while `fence` still holds the queue's copier
   * lease (checked in the same statement), else rejects with `LeaseLostError` and records nothing,
   * so a copier that lost its lease can never make its staged copies win after the new lease
   * holder discarded them.
   */
  record(migrationId: string, fence: LeaseFence, entries: readonly MoveEntry[]): Promise<Map<string, string>>;
  /** The targets recorded in `migrationId` for these sources (absent: not recorded). */
  targetsOf(migrationId: string, sourceDescriptors: readonly string[]): Promise<Map<string, string>>;
  /** Per-migration totals for verification: moved jobs and the order-independent checksums. */
  summary(migrationId: string): Promise<LedgerSummary>;
  /** Up to `limit` entries of the migration whose source and target checksums differ. */
  mismatches(migrationId: string, limit: number): Promise<MoveEntry[]>;
}

/** What a routing gateway needs from the ledger: where moved jobs are now. */
export interface AliasResolver {
  /**
   * For each descriptor that was moved, the descriptor of its newest move's target (absent: never
   * moved). At most 1,000 descriptors per call.
   */
  resolve(descriptors: readonly string[]): Promise<Map<string, string>>;
}

export interface MoveEntry {
  readonly sourceDescriptor: string;
  readonly targetDescriptor: string;
  readonly queue: string;
  /** JobState number the job had when taken. */
  readonly state: number;
  readonly priority: number;
  /** job-checksum.ts of the job as taken from the source, and as the target stored it. */
  readonly sourceChecksum: string;
  readonly targetChecksum: string;
}

export interface LedgerSummary {
  readonly moved: number;
  /** Per state number: how many moved. */
  readonly movedByState: Readonly<Record<string, number>>;
  /** Order-independent sums (mod 2^64, hex) of every entry's checksums. */
  readonly sourceChecksum: string;
  readonly targetChecksum: string;
  readonly mismatched: number;
}

/** A copier's lease on one queue (queue_migrations row): who holds it, and the epoch it was granted. */
export interface LeaseFence {
  readonly queue: string;
  readonly owner: string;
  readonly epoch: number;
}

/** The lease named by a fence is no longer held by it (expired and taken by another copier, or released). */
export class LeaseLostError extends Error {
  constructor(readonly fence: LeaseFence) {
    super(`copier ${fence.owner} no longer holds the lease of queue ${JSON.stringify(fence.queue)} (epoch ${fence.epoch})`);
    this.name = 'LeaseLostError';
  }
}
