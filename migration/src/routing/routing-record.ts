import { z } from 'zod';
import type { MigrationDirection } from '../../../core/src/routing/queue-route';

/**
 * One queue's routing record, the JSON data of its znode (routing-paths.ts). Written only by the
 * operator CLI and the migration copier (a gateway may create the first record of a queue it
 * creates, never change one), read by every gateway.
 *
 * `mode` says where the queue's traffic goes (docs/migration.md "Modes"):
 * - `legacy`: every call to the legacy PinLater cluster `legacyCluster`;
 * - `pacer`: every call to Pacer; `legacyCluster` names where the queue came from (null for a
 *   queue born on Pacer), which acks, checkpoints and lookups of legacy descriptors still reach;
 * - `migrating`: the queue moves between `legacyCluster` and Pacer, `direction` says which way
 *   (`to-pacer`, or `to-legacy` after a rollback); calls reach both sides while the copier moves
 *   the jobs (core/src/routing/routing-backend.ts);
 * - `finalized`: served exactly as `pacer` (the legacy side is empty and verified; the copier stops);
 * - `shadow` (issue 13, the mode before `migrating`): every call is answered by `legacyCluster`
 *   (the primary); gateways also copy enqueues to the queue's shadow copy in Pacer, a reserved
 *   queue of its own (core/src/shadow/shadow-queue-name.ts) that no client is ever served from,
 *   and repeat read calls there to compare. `pinlater-ops shadow start|stop` enters and leaves it.
 *   A gateway older than issue 13 refuses such a record (an unknown mode) and keeps the queue's
 *   previous route, as for any record it cannot use.
 *
 * `direction` is present exactly when the mode is `migrating`. It was added within format 1: a
 * record without it reads as before, so a newer gateway reads every older record; an older
 * gateway refuses a record carrying it (the schema is strict: an unknown field) and, like for any
 * record it cannot use, keeps the queue's previous route (or refuses the queue), logged and
 * counted in its status. Upgrade every gateway before the first `migrate start`.
 *
 * Descriptor routing does not depend on the mode: a descriptor goes to the system that issued it
 * (core/src/descriptors/issuer.ts), legacy ones to the queue's `legacyCluster`.
 */
export const SERVED_MODES = ['legacy', 'pacer', 'shadow', 'migrating', 'finalized'] as const;
/** The modes of the migration issues (11, and 13 for `shadow`). */
export const MIGRATION_MODES = ['shadow', 'migrating', 'finalized'] as const;
export const ROUTING_MODES = ['legacy', 'pacer', 'shadow', 'migrating', 'finalized'] as const;
/**
 * The modes a queue's first record may have, and the ones `pinlater-ops route` moves a queue
 * between; the others are reached and left only through the migration (`pinlater-ops migrate`).
 */
export const ROUTABLE_MODES = ['legacy', 'pacer'] as const;
/** The values of `direction` (core/src/routing/queue-route.ts `MigrationDirection`). */
export const MIGRATION_DIRECTIONS = ['to-pacer', 'to-legacy'] as const satisfies readonly MigrationDirection[];

export type RoutingMode = (typeof ROUTING_MODES)[number];
export type ServedMode = (typeof SERVED_MODES)[number];
export type RoutableMode = (typeof ROUTABLE_MODES)[number];

/** The version of the record format; a record of a newer format is not read (never guessed). */
export const ROUTING_RECORD_FORMAT = 1;

/** The record's JSON shape (also inside audit history entries, routing-history.ts). */
export const recordSchema = z.strictObject({
  format: z.literal(ROUTING_RECORD_FORMAT),
  queue: z.string().min(1),
  mode: z.enum(ROUTING_MODES),
  legacyCluster: z.string().min(1).nullable(),
  /** Which way a `migrating` queue moves; present exactly in mode `migrating` (see the header). */
  direction: z.enum(MIGRATION_DIRECTIONS).optional(),
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
  const problem = modeProblem(record);
  if (problem !== undefined) throw new RoutingRecordError(queue, problem);
  return record;
}

/** What the mode requires of `legacyCluster` and `direction` (a schema alone cannot say it). */
function modeProblem(record: RoutingRecord): string | undefined {
  const needsCluster = record.mode !== 'pacer';
  if (needsCluster && record.legacyCluster === null) return `mode ${record.mode} needs a legacyCluster`;
  if (record.mode === 'migrating' && record.direction === undefined) return 'mode migrating needs a direction (to-pacer or to-legacy)';
  if (record.mode !== 'migrating' && record.direction !== undefined) return `mode ${record.mode} takes no direction (only migrating does)`;
  return undefined;
}

export function serializeRoutingRecord(record: RoutingRecord): Buffer {
  return Buffer.from(JSON.stringify(recordSchema.parse(record)), 'utf8');
}

export function isServedMode(mode: RoutingMode): mode is ServedMode {
  return (SERVED_MODES as readonly string[]).includes(mode);
}

export function isRoutableMode(mode: RoutingMode): mode is RoutableMode {
  return (ROUTABLE_MODES as readonly string[]).includes(mode);
}
