/**
 * Verification of a queue's current migration (docs/migration.md "Verification"), for `verify`
 * and `finalize`: the move ledger's summary (jobs moved, per state, the order-independent sums of
 * every moved job's checksum as taken and as stored), up to 20 mismatching jobs, and exact counts
 * per state and priority on both sides (job-census.ts). It matches when the sums are equal, no job
 * mismatches and, once the migration has finished (complete, finalized or rolled back), the side
 * it left holds nothing (no job in any state, none taken or staged by a copier).
 */
import type { MigrationRow } from '../../../core/src/migration/migration-state';
import type { LedgerSummary, MoveEntry } from '../../../core/src/migration/move-ledger';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { describeCensus, isEmptyCensus, type QueueCensus } from './job-census';
import { censusOf, type MigrationContext } from './migration-context';

/** Mismatching jobs listed. */
export const MISMATCH_SAMPLES = 20;

export interface Verification {
  readonly queue: string;
  readonly migrationId: string;
  readonly direction: MigrationRow['direction'];
  readonly status: MigrationRow['status'];
  readonly ledger: LedgerSummary;
  readonly checksumsMatch: boolean;
  /** Up to MISMATCH_SAMPLES entries whose source and target checksums differ. */
  readonly mismatches: readonly MoveEntry[];
  /** Exact counts on the legacy cluster and on Pacer. */
  readonly sides: { readonly legacy: QueueCensus; readonly pacer: QueueCensus };
  /** The system the migration moves jobs from. */
  readonly sideLeft: string;
  readonly sideLeftEmpty: boolean;
  /** complete, finalized or rolled-back: the side it left must be empty. */
  readonly finished: boolean;
  /** Every reason it does not match (empty: it matches). */
  readonly problems: readonly string[];
  readonly matches: boolean;
}

export async function verifyMigration(ctx: CliContext, m: MigrationContext, row: MigrationRow): Promise<Verification> {
  if (!m.systems.has(row.legacyCluster)) {
    throw new CliFailure('REFUSED', `migration ${row.migrationId} names legacy cluster ${row.legacyCluster}, not a cluster of this config: its side cannot be counted`);
  }
  const [ledger, mismatches] = await Promise.all([m.ledger.summary(row.migrationId), m.ledger.mismatches(row.migrationId, MISMATCH_SAMPLES)]);
  const legacy = await censusOf(ctx, m, row.legacyCluster, row.queue);
  const pacer = await censusOf(ctx, m, PACER_SYSTEM, row.queue);
  const sideLeft = row.direction === 'to-pacer' ? row.legacyCluster : PACER_SYSTEM;
  const left = row.direction === 'to-pacer' ? legacy : pacer;
  const finished = row.status !== 'copying';
  const checksumsMatch = ledger.sourceChecksum === ledger.targetChecksum;
  const problems: string[] = [];
  if (!checksumsMatch) problems.push(`the ledger's checksum sums differ: ${ledger.sourceChecksum} as taken, ${ledger.targetChecksum} as stored`);
  if (ledger.mismatched > 0) problems.push(`${ledger.mismatched} moved job(s) differ from what was taken`);
  if (finished && !isEmptyCensus(left)) problems.push(`the migration is ${row.status} but ${sideLeft} still holds the queue's jobs: ${describeCensus(left)}`);
  return {
    queue: row.queue, migrationId: row.migrationId, direction: row.direction, status: row.status,
    ledger, checksumsMatch, mismatches, sides: { legacy, pacer }, sideLeft, sideLeftEmpty: isEmptyCensus(left), finished,
    problems, matches: problems.length === 0,
  };
}
