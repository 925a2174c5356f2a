import type { Pool } from 'mysql2/promise';
import type { Clock } from '../../../core/src/util/clock';
import { LeaseLostError, type LeaseFence, type LedgerSummary, type MoveEntry, type MoveLedger } from '../../../core/src/migration/move-ledger';
import { addChecksums, sumChecksums } from '../../../core/src/migration/job-checksum';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { withMysqlRetries } from '../../../core/src/sql/mysql-retry';
import { execute, selectRows, withTransaction, type Row } from '../datastore/mysql-pool';
import { sql } from '../datastore/sql-loader';
import { MAX_QUEUE_NAME_LENGTH } from '../datastore/tables';
import { checkMigrationId } from './migration-id';

/** `resolve` answers at most this many descriptors per call (core/src/migration/move-ledger.ts). */
export const MAX_RESOLVE_DESCRIPTORS = 1000;

/** `job_moves` descriptor columns, VARCHAR(400) (migration 0002). */
export const MAX_MOVE_DESCRIPTOR_LENGTH = 400;

const DEFAULT_SUMMARY_PAGE_SIZE = 5000;
/** Rows per INSERT and descriptors per IN list. */
const CHUNK = 500;
const CHECKSUM = /^[0-9a-f]{16}$/;

export interface MoveLedgerStoreOptions {
  /** Rows the summary reads per statement (default 5000). */
  readonly summaryPageSize?: number;
}

/**
 * The move ledger (core/src/migration/move-ledger.ts) in Pacer's database, table `job_moves`
 * (docs/pacer-schema.md). `record` inserts with INSERT IGNORE, so the first target recorded for a
 * (migration, source) stays, then reads the winners back; it writes only while the copier's fence
 * holds the queue's lease (share-locked in the same transaction: queue-migration-fence.sql), else
 * rejects with LeaseLostError. `summary` pages through a migration by primary key, never holding
 * more than one page.
 */
export class MoveLedgerStore implements MoveLedger {
  private readonly pageSize: number;

  constructor(private readonly pool: Pool, private readonly clock: Clock, options: MoveLedgerStoreOptions = {}) {
    this.pageSize = options.summaryPageSize ?? DEFAULT_SUMMARY_PAGE_SIZE;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new Error(`summaryPageSize must be a positive integer, got ${this.pageSize}`);
  }

  async record(migrationId: string, fence: LeaseFence, entries: readonly MoveEntry[]): Promise<Map<string, string>> {
    checkMigrationId(migrationId);
    entries.forEach(checkEntry);
    if (entries.length === 0) return new Map();
    // Sorted by key, so two writers recording overlapping batches lock in the same order.
    const sorted = [...entries].sort((a, b) => compare(a.sourceDescriptor, b.sourceDescriptor));
    for (const chunk of chunks(sorted)) await this.recordFenced(migrationId, fence, chunk);
    return this.targetsOf(migrationId, entries.map((e) => e.sourceDescriptor));
  }

  /** One INSERT IGNORE of up to CHUNK entries, in a transaction that share-locks the fence's lease row. */
  private async recordFenced(migrationId: string, fence: LeaseFence, entries: readonly MoveEntry[]): Promise<void> {
    try {
      await withMysqlRetries(() => withTransaction(this.pool, async (conn) => {
        const held = await selectRows(conn, sql('queue-migration-fence'), [fence.queue, fence.owner, fence.epoch]);
        if (held.length === 0) throw new LeaseLostError(fence);
        const now = this.clock.nowMs();
        const rows = entries.map((e) => [
          migrationId, e.sourceDescriptor, e.targetDescriptor, e.queue, e.state, e.priority, e.sourceChecksum, e.targetChecksum, now,
        ]);
        await execute(conn, sql('ledger-record'), [rows]);
      }));
    } catch (e) {
      // withTransaction reports failures as PinLater errors; the lost lease keeps its own type.
      const lost = e instanceof LeaseLostError ? e : e instanceof Error && e.cause instanceof LeaseLostError ? e.cause : undefined;
      throw lost ?? e;
    }
  }

  async targetsOf(migrationId: string, sourceDescriptors: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const chunk of chunks([...new Set(sourceDescriptors)])) {
      const rows = await selectRows(this.pool, sql('ledger-targets'), [migrationId, chunk]);
      for (const r of rows) out.set(String(r.source_descriptor), String(r.target_descriptor));
    }
    return out;
  }

  async resolve(descriptors: readonly string[]): Promise<Map<string, string>> {
    if (descriptors.length > MAX_RESOLVE_DESCRIPTORS) {
      throw new PinLaterError(ErrorCode.UNKNOWN, `The move ledger resolves at most ${MAX_RESOLVE_DESCRIPTORS} descriptors per call, got ${descriptors.length}`);
    }
    const unique = [...new Set(descriptors)];
    if (unique.length === 0) return new Map();
    const rows = await selectRows(this.pool, sql('ledger-resolve'), [unique]);
    const newest = new Map<string, Row>();
    for (const r of rows) {
      const source = String(r.source_descriptor);
      const best = newest.get(source);
      if (best === undefined || isNewer(r, best)) newest.set(source, r);
    }
    return new Map([...newest].map(([source, r]) => [source, String(r.target_descriptor)]));
  }

  async summary(migrationId: string): Promise<LedgerSummary> {
    const movedByState: Record<string, number> = {};
    let moved = 0;
    let mismatched = 0;
    let sourceChecksum = sumChecksums([]);
    let targetChecksum = sumChecksums([]);
    for (let after = ''; ;) {
      const page = await selectRows(this.pool, sql('ledger-summary-page'), [migrationId, after, this.pageSize]);
      for (const r of page) {
        const state = String(Number(r.state));
        movedByState[state] = (movedByState[state] ?? 0) + 1;
        if (r.source_checksum !== r.target_checksum) mismatched += 1;
      }
      moved += page.length;
      sourceChecksum = addChecksums(sourceChecksum, sumChecksums(page.map((r) => String(r.source_checksum))));
      targetChecksum = addChecksums(targetChecksum, sumChecksums(page.map((r) => String(r.target_checksum))));
      const last = page[page.length - 1];
      if (page.length < this.pageSize || last === undefined) break;
      after = String(last.source_descriptor);
    }
    return { moved, movedByState, sourceChecksum, targetChecksum, mismatched };
  }

  async mismatches(migrationId: string, limit: number): Promise<MoveEntry[]> {
    if (limit <= 0) return [];
    const rows = await selectRows(this.pool, sql('ledger-mismatches'), [migrationId, limit]);
    return rows.map((r) => ({
      sourceDescriptor: String(r.source_descriptor),
      targetDescriptor: String(r.target_descriptor),
      queue: String(r.queue),
      state: Number(r.state),
      priority: Number(r.priority),
      sourceChecksum: String(r.source_checksum),
      targetChecksum: String(r.target_checksum),
    }));
  }
}

/** Newest move first: later moved_at_ms, then the larger migration id (a deterministic tie-break). */
function isNewer(a: Row, b: Row): boolean {
  const at = Number(a.moved_at_ms) - Number(b.moved_at_ms);
  return at !== 0 ? at > 0 : compare(String(a.migration_id), String(b.migration_id)) > 0;
}

/** Byte order of ASCII/UTF-16 code units, matching the binary collations' order for these strings. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every value fits its column exactly: INSERT IGNORE must never truncate, only skip duplicates. */
function checkEntry(e: MoveEntry): void {
  const problems: string[] = [];
  for (const [name, value] of [['sourceDescriptor', e.sourceDescriptor], ['targetDescriptor', e.targetDescriptor]] as const) {
    if (value.length === 0 || value.length > MAX_MOVE_DESCRIPTOR_LENGTH) problems.push(`${name} must have 1 to ${MAX_MOVE_DESCRIPTOR_LENGTH} characters`);
  }
  if (e.queue.length === 0 || e.queue.length > MAX_QUEUE_NAME_LENGTH || !isAscii(e.queue)) problems.push(`queue must have 1 to ${MAX_QUEUE_NAME_LENGTH} ASCII characters`);
  if (!Number.isInteger(e.state) || e.state < 0 || e.state > 3) problems.push(`state ${e.state} is not a job state`);
  if (!Number.isInteger(e.priority) || e.priority < 1 || e.priority > 127) problems.push(`priority ${e.priority} is out of range`);
  if (!CHECKSUM.test(e.sourceChecksum) || !CHECKSUM.test(e.targetChecksum)) problems.push('checksums must be 16 lowercase hex digits');
  if (problems.length > 0) throw new PinLaterError(ErrorCode.UNKNOWN, `Invalid move entry for ${e.sourceDescriptor}: ${problems.join('; ')}`);
}

function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
