import { quoteIdentifier } from '../../../core/src/sql/quote-identifier';

/**
 * PinLater's MySQL naming (FACTS §5.2): the one module that knows database and table names.
 *
 *   database per (shard, queue):  plq_<shard>_<queue>        e.g. plq_1_myq, plq_2d3_myq
 *   table per priority:           plq_<shard>_<queue>.jobs_p<priority>
 *   logical shard names:          <instanceId> for db 0, <instanceId>d<dbId> for dbId >= 1
 *
 * Names come in two forms. The raw names (`databaseName`, `jobsTableName`) are PinLater's and are
 * what the catalog rule and client-visible messages use. SQL text only ever gets the quoted forms
 * (`quotedDatabase`, `quotedJobsTable`): every part back-quoted, backticks doubled inside. PinLater
 * pastes the raw names unquoted, and only createQueue validates the queue name, so any other method
 * could inject SQL through it (issue 8); the gateway validates names at the edge, and the quoting
 * here is the second defence: whatever a queue name contains, it stays one identifier. For every
 * name createQueue accepts (`\w+`) the statements mean exactly what PinLater's meant.
 */

export const QUEUE_DB_PREFIX = 'plq';

/** MySQL's identifier limit for database names. */
export const MAX_DB_NAME_LENGTH = 64;

export function shardName(instanceId: number, dbId: number): string {
  return dbId === 0 ? String(instanceId) : `${instanceId}d${dbId}`;
}

export function databaseName(shard: string, queue: string): string {
  return `${QUEUE_DB_PREFIX}_${shard}_${queue}`;
}

export function jobsTableName(shard: string, queue: string, priority: number): string {
  return `${databaseName(shard, queue)}.${jobsTableBase(priority)}`;
}

/** The queue database as SQL text: `` `plq_<shard>_<queue>` ``. */
export function quotedDatabase(shard: string, queue: string): string {
  return quoteIdentifier(databaseName(shard, queue));
}

/** The jobs table as SQL text: `` `plq_<shard>_<queue>`.`jobs_p<priority>` ``. */
export function quotedJobsTable(shard: string, queue: string, priority: number): string {
  return `${quotedDatabase(shard, queue)}.${quoteIdentifier(jobsTableBase(priority))}`;
}

function jobsTableBase(priority: number): string {
  return `jobs_p${Math.trunc(priority)}`;
}

/** What the catalog rule of FACTS §5.2 makes of one database name, for one shard. */
export type CatalogEntry =
  | { kind: 'queue'; queue: string }
  | { kind: 'other' }
  /** A name PinLater's parser throws on (a `plq…` name without a second `_` token). */
  | { kind: 'malformed' };

/**
 * PinLater's rule: keep databases whose name starts with `plq` (not `plq_`) and whose second
 * `_`-separated token (Java `split("_")`, trailing empty tokens dropped) equals the shard name;
 * the queue is everything after the second `_` (Java `split("_", 3)[2]`, so underscores in queue
 * names survive and `plq_1_` yields the empty queue name).
 */
export function classifyDatabase(dbName: string, shard: string): CatalogEntry {
  if (!dbName.startsWith(QUEUE_DB_PREFIX)) return { kind: 'other' };
  const tokens = javaSplitUnderscore(dbName);
  if (tokens.length < 2) return { kind: 'malformed' };
  if (tokens[1] !== shard) return { kind: 'other' };
  const first = dbName.indexOf('_');
  const second = dbName.indexOf('_', first + 1);
  if (second < 0) return { kind: 'malformed' };
  return { kind: 'queue', queue: dbName.slice(second + 1) };
}

/**
 * Queue names of one shard from a catalog listing. Deviation (docs/compatibility.md, "Legacy
 * MySQL: malformed plq databases"): PinLater throws on a malformed `plq` name and so loses the
 * whole listing (getQueueNames and the monitor of that instance); we skip the name and report it.
 */
export function queueNamesFromCatalog(dbNames: Iterable<string>, shard: string): { queues: Set<string>; malformed: string[] } {
  const queues = new Set<string>();
  const malformed: string[] = [];
  for (const name of dbNames) {
    const entry = classifyDatabase(name, shard);
    if (entry.kind === 'queue') queues.add(entry.queue);
    else if (entry.kind === 'malformed') malformed.push(name);
  }
  return { queues, malformed };
}

/** Java `String.split("_")`: leading empty tokens kept, trailing empty tokens removed. */
function javaSplitUnderscore(text: string): string[] {
  const parts = text.split('_');
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
