/**
 * The routing table's audit history: one immutable znode per operator change,
 * `<root>/history/entry-<seq>` (routing-paths.ts), written in the same multi-op as the change
 * itself (routing-store.ts), so there is no change without its entry and no entry without its
 * change. An entry holds the queue, the record before (null for a queue's first record) and after
 * (who, when, why are the new record's `changedBy`, `changedAt`, `reason`), and the table version
 * the change produced.
 *
 * Retention: the newest `DEFAULT_HISTORY_LIMIT` entries are kept; the writer deletes older ones
 * right after each change (pruning is bounded work per write, and a crash between the change and
 * the pruning only leaves a few extra entries until the next write). Records a gateway creates for
 * queues it creates are not in the history (gateways cannot write it, routing-acl.ts): such a
 * record is its own audit entry (version 1, `changedBy: gateway:<id>`) until an operator changes
 * it, and that change's entry then carries it as `from`.
 */
import { z } from 'zod';
import { recordSchema, type RoutingRecord } from './routing-record';

export const DEFAULT_HISTORY_LIMIT = 10_000;
/**
 * Upper bound of the retention: pruning lists every entry, and ZooKeeper's default 1 MB packet
 * limit (jute.maxbuffer) holds about 50,000 entry names.
 */
export const MAX_HISTORY_LIMIT = 40_000;

export const HISTORY_ENTRY_FORMAT = 1;

const entrySchema = z.strictObject({
  format: z.literal(HISTORY_ENTRY_FORMAT),
  queue: z.string().min(1),
  from: recordSchema.nullable(),
  to: recordSchema,
  /** The table version after this change (`<root>/table`'s data version). */
  tableVersion: z.number().int().min(1),
});

export type RoutingHistoryData = z.output<typeof entrySchema>;

/** An entry as read back, with its place in the history. */
export interface RoutingHistoryEntry extends RoutingHistoryData {
  /** ZooKeeper's sequence number of the entry: increasing in the order of the changes. */
  readonly sequence: number;
}

export function serializeHistoryEntry(entry: RoutingHistoryData): Buffer {
  return Buffer.from(JSON.stringify(entrySchema.parse(entry)), 'utf8');
}

/** The entry, or undefined when the data is not an entry this version understands. */
export function parseHistoryEntry(sequence: number, data: Buffer): RoutingHistoryEntry | undefined {
  try {
    const result = entrySchema.safeParse(JSON.parse(data.toString('utf8')));
    return result.success ? { ...result.data, sequence } : undefined;
  } catch {
    return undefined;
  }
}

/** The history entry of a change from `from` to `to`. */
export function historyEntryOf(from: RoutingRecord | undefined, to: RoutingRecord, tableVersion: number): RoutingHistoryData {
  return { format: HISTORY_ENTRY_FORMAT, queue: to.queue, from: from ?? null, to, tableVersion };
}
