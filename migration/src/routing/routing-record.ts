import { z } from 'zod';

/**
 * One queue's routing record, the JSON data of its znode (routing-paths.ts). Written only by the
 * operator CLI (a gateway may create the first record of a queue it creates, never change one),
 * read by every gateway.
 *
 * `mode` says where the queue's traffic goes:
 * - `legacy`: every call to the legacy PinLater cluster `legacyCluster`;
 * - `pacer`: every call to Pacer; `legacyCluster` names where the queue came from (null for a
 *   queue born on Pacer), which acks, checkpoints and lookups of legacy descriptors still reach.
 * The migration issue adds `shadow`, `migrating` and `finalized` (MIGRATION_MODES below): the
 * format has room for them now, so records written by a newer CLI are recognised as such, and a
 * gateway that does not serve a mode yet ignores that record (keeping the previous one) instead
 * of misrouting the queue.
 *
 * Descriptor routing does not depend on the mode: a descriptor goes to the system that issued it
 * (core/src/descriptors/issuer.ts), legacy ones to the queue's `legacyCluster`.
 */
export const SERVED_MODES = ['legacy', 'pacer'] as const;
export const MIGRATION_MODES = ['shadow', 'migrating', 'finalized'] as const;
export const ROUTING_MODES = [...SERVED_MODES, ...MIGRATION_MODES] as const;

export type RoutingMode = (typeof ROUTING_MODES)[number];
export type ServedMode = (typeof SERVED_MODES)[number];

/** The version of the record format; a record of a newer format is not read (never guessed). */
export const ROUTING_RECORD_FORMAT = 1;

/** The record's JSON shape (also inside audit history entries, routing-history.ts). */
export const recordSchema = z.strictObject({
  format: z.literal(ROUTING_RECORD_FORMAT),
  queue: z.string().min(1),
  mode: z.enum(ROUTING_MODES),
  legacyCluster: z.string().min(1).nullable(),
  /**
   * 1 for the first record of a queue, +1 on every change: what an operator's compare-and-set
   * names (routing-store.ts; a record replacing one that did not parse starts again at 1).
   */
  version: z.number().int().min(1),
  /** ISO-8601 instant of the change. */
  changedAt: z.string().min(1),
  /** Who made the change (operator name from the CLI, or `gateway:<id>` for a createQueue record). */
  changedBy: z.string().min(1),
  reason: z.string(),
});

export type RoutingRecord = z.output<typeof recordSchema>;

export class RoutingRecordError extends Error {
  constructor(readonly queue: string, detail: string) {
    super(`routing record of queue '${queue}' is not valid: ${detail}`);
    this.name = 'RoutingRecordError';
  }
}

/** Parses a record's znode data; throws RoutingRecordError naming every problem. */
export function parseRoutingRecord(queue: string, data: Buffer): RoutingRecord {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch (e) {
    throw new RoutingRecordError(queue, `not JSON (${(e as Error).message})`);
  }
  const result = recordSchema.safeParse(json);
  if (!result.success) throw new RoutingRecordError(queue, result.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; '));
  const record = result.data;
  if (record.queue !== queue) throw new RoutingRecordError(queue, `it names queue '${record.queue}'`);
  if (record.mode === 'legacy' && record.legacyCluster === null) throw new RoutingRecordError(queue, 'mode legacy needs a legacyCluster');
  return record;
}

export function serializeRoutingRecord(record: RoutingRecord): Buffer {
  return Buffer.from(JSON.stringify(recordSchema.parse(record)), 'utf8');
}

export function isServedMode(mode: RoutingMode): mode is ServedMode {
  return (SERVED_MODES as readonly string[]).includes(mode);
}
