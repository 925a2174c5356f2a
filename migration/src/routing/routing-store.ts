/**
 * The routing table as the operator CLI reads and writes it (the gateways' side is
 * zk-route-source.ts). Layout: routing-paths.ts; who may write: routing-acl.ts.
 *
 * A change is ONE ZooKeeper multi-op, so it happens entirely or not at all:
 *   1. the record is replaced (deleted and created again: record nodes are immutable,
 *      routing-acl.ts says why), or created for a queue without one;
 *   2. `<root>/table` is set by compare-and-set on its version: its data version is the table
 *      version, one increasing number per change, which gateways publish once they apply it;
 *   3. the audit entry `<root>/history/entry-<seq>` is created (routing-history.ts).
 *
 * Compare-and-set: `expectedVersion` is the record's `version` as the operator read it (0 for a
 * queue without a record, `UNREADABLE_RECORD_VERSION` to replace a record that does not parse).
 * The store reads the table version, THEN the record, checks the record's version, and commits
 * with the table's compare-and-set. Every operator change bumps the table, so a table unchanged at
 * commit time means no record changed since it was read (the table version never repeats, unlike
 * the version of a re-created node). When the table moved, the store reads both again: if the
 * record is still at `expectedVersion` (another queue changed) it tries again, otherwise the
 * operator gets `RoutingConflictError` naming the queue and both versions. Of two operators racing
 * on one queue, one wins and the other gets that error; a gateway creating the same new queue
 * meanwhile makes the create fail, and the same re-read gives the conflict.
 *
 * History retention: after each write the writer keeps the newest `historyLimit` entries
 * (default 10,000, at most 40,000) and deletes older ones; see routing-history.ts.
 *
 * The mode change (with its direction, for `migrating`) must be a transition of
 * routing-transitions.ts (the first record of a queue is `legacy` or `pacer`); the writer (the CLI,
 * or the copier for its flips) checks the transition's preconditions (jobs left, known cluster,
 * source drained…) before it writes, the store cannot.
 */
import type { MigrationDirection } from '../../../core/src/routing/queue-route';
import { systemClock, type Clock } from '../../../core/src/util/clock';
import { silentLogger, type Logger } from '../../../core/src/logging/logger';
import { mapBounded } from '../../../core/src/util/map-bounded';
import type { DigestCredential } from '../../../core/src/zookeeper/zk-acl';
import type { ZkClient, ZkOp } from '../../../core/src/zookeeper/zk-client';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import { parsePresence, type GatewayPresence } from './gateway-presence';
import { historyEntryAcl, recordAcl } from './routing-acl';
import { RoutingConflictError, RoutingPermissionError, RoutingTransitionError } from './routing-errors';
import { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT, historyEntryOf, serializeHistoryEntry, type RoutingHistoryEntry } from './routing-history';
import { pruneHistory, readHistory, type HistoryQuery } from './routing-history-log';
import { assertQueueName, RoutingPaths } from './routing-paths';
import {
  ROUTING_RECORD_FORMAT, RoutingRecordError, isRoutableMode, parseRoutingRecord, serializeRoutingRecord, type RoutingMode, type RoutingRecord,
} from './routing-record';
import { readRawRecord, readRoutingTable, type RawRecord } from './routing-table-reader';
import { transition } from './routing-transitions';

/** What an operator changes; the store fills in the queue, format, version and time. */
export interface RoutingChange {
  readonly mode: RoutingMode;
  readonly legacyCluster: string | null;
  /** Which way a `migrating` queue moves: given exactly when `mode` is `migrating` (routing-record.ts). */
  readonly direction?: MigrationDirection;
  /** The operator's name (the CLI's `--by` or the login name). */
  readonly changedBy: string;
  readonly reason: string;
}

export interface RoutingStoreOptions {
  readonly paths?: RoutingPaths;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** History entries kept (newest first). Default 10,000; at most 40,000. */
  readonly historyLimit?: number;
  /** Records read at once by `list`. Default 16. */
  readonly concurrency?: number;
}

export interface RoutingListing {
  readonly tableVersion: number;
  readonly records: readonly RoutingRecord[];
  /** Records that do not parse (gateways ignore them, keeping their previous value). */
  readonly invalid: ReadonlyArray<{ readonly queue: string; readonly error: string }>;
}

export interface RoutingWriteResult {
  readonly record: RoutingRecord;
  /** The table version this change produced. */
  readonly tableVersion: number;
}

/** The compare-and-set version of a record that does not parse (the operator replaces it with this). */
export const UNREADABLE_RECORD_VERSION = -1;

/** A record as found: parsed (its version), or the reason it does not parse (UNREADABLE_RECORD_VERSION). */
interface FoundRecord {
  readonly version: number;
  readonly znodeVersion: number;
  readonly record?: RoutingRecord;
  readonly error?: RoutingRecordError;
}

/** Commits tried while other queues' changes keep moving the table. */
const COMMIT_ATTEMPTS = 20;

export class RoutingStore {
  readonly paths: RoutingPaths;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly historyLimit: number;
  private readonly concurrency: number;

  private constructor(private readonly zk: ZkClient, options: RoutingStoreOptions) {
    this.paths = options.paths ?? new RoutingPaths();
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger();
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.concurrency = options.concurrency ?? 16;
    if (!Number.isInteger(this.historyLimit) || this.historyLimit < 1 || this.historyLimit > MAX_HISTORY_LIMIT) {
      throw new RangeError(`historyLimit must be an integer in 1..${MAX_HISTORY_LIMIT}, got ${this.historyLimit}`);
    }
  }

  /** A store on `zk` (the caller's session; not closed here), authenticated as `operator`. */
  static async open(zk: ZkClient, operator: DigestCredential, options: RoutingStoreOptions = {}): Promise<RoutingStore> {
    await zk.addAuth('digest', operator.authText());
    return new RoutingStore(zk, options);
  }

  /**
   * A store that only reads (everything is world-readable, routing-acl.ts): no credential, so a
   * `write` is refused by ZooKeeper (`RoutingPermissionError`). For `status` and `history`.
   */
  static forReading(zk: ZkClient, options: RoutingStoreOptions = {}): RoutingStore {
    return new RoutingStore(zk, options);
  }

  /** The queue's record, undefined when it has none; throws `RoutingRecordError` when it does not parse. */
  async read(queue: string): Promise<RoutingRecord | undefined> {
    const found = await this.find(queue);
    if (found?.error) throw found.error;
    return found?.record;
  }

  /** Every record, and the ones that do not parse. */
  async list(): Promise<RoutingListing> {
    const snapshot = await readRoutingTable(this.zk, this.paths, { concurrency: this.concurrency });
    const records: RoutingRecord[] = [];
    const invalid: Array<{ queue: string; error: string }> = [];
    for (const raw of snapshot.records) {
      const found = parseFound(raw);
      if (found.record) records.push(found.record);
      else invalid.push({ queue: raw.queue, error: found.error?.message ?? 'unreadable' });
    }
    for (const name of snapshot.strayNames) invalid.push({ queue: name, error: 'not a queue name' });
    return { tableVersion: snapshot.tableVersion, records, invalid };
  }

  async tableVersion(): Promise<number> {
    return (await this.zk.get(this.paths.table())).stat.version;
  }

  /**
   * Writes the queue's new record if its version is still `expectedVersion` (0: no record yet),
   * bumps the table and appends the audit entry, atomically; then prunes the history.
   */
  async write(queue: string, change: RoutingChange, expectedVersion: number): Promise<RoutingWriteResult> {
    assertQueueName(queue);
    for (let attempt = 1; ; attempt += 1) {
      const tableVersion = await this.tableVersion(); // first: see the header
      const found = await this.find(queue);
      this.checkExpected(queue, found, expectedVersion);
      checkTransition(queue, found?.record, found === undefined, change);
      const record = this.nextRecord(queue, change, expectedVersion);
      if (await this.commit(record, found, tableVersion, attempt)) {
        await this.pruneQuietly();
        return { record, tableVersion: tableVersion + 1 };
      }
    }
  }

  /** The newest entries (of one queue, when given), newest first. */
  history(query: HistoryQuery): Promise<RoutingHistoryEntry[]> {
    return readHistory(this.zk, this.paths, query);
  }

  /** Every live gateway's presence (nodes that do not parse are left out). */
  async gateways(): Promise<GatewayPresence[]> {
    const ids = await this.zk.children(this.paths.gateways());
    const read = await mapBounded(ids.sort(), this.concurrency, async (id) => {
      try {
        return parsePresence((await this.zk.get(this.paths.gateway(id))).data);
      } catch (e) {
        if (ZkError.is(e, ZkCode.NO_NODE)) return undefined;
        throw e;
      }
    });
    return read.filter((p): p is GatewayPresence => p !== undefined);
  }

  private async find(queue: string): Promise<FoundRecord | undefined> {
    const raw = await readRawRecord(this.zk, this.paths, queue);
    return raw === undefined ? undefined : parseFound(raw);
  }

  private nextRecord(queue: string, change: RoutingChange, expectedVersion: number): RoutingRecord {
    const record: RoutingRecord = {
      format: ROUTING_RECORD_FORMAT,
      queue,
      mode: change.mode,
      legacyCluster: change.legacyCluster,
      ...(change.direction === undefined ? {} : { direction: change.direction }),
      version: Math.max(0, expectedVersion) + 1,
      changedAt: new Date(this.clock.nowMs()).toISOString(),
      changedBy: change.changedBy,
      reason: change.reason,
    };
    return parseRoutingRecord(queue, serializeRoutingRecord(record)); // every rule of a record, before anything is written
  }

  private checkExpected(queue: string, found: FoundRecord | undefined, expectedVersion: number): void {
    const foundVersion = found?.version ?? 0;
    if (foundVersion !== expectedVersion) throw new RoutingConflictError(queue, expectedVersion, foundVersion, found?.record?.changedBy);
  }

  /**
   * The multi-op: true when it committed, false when the table or the record moved under it (the
   * caller reads both again); throws on anything else.
   */
  private async commit(record: RoutingRecord, found: FoundRecord | undefined, tableVersion: number, attempt: number): Promise<boolean> {
    try {
      await this.zk.multi(this.ops(record, found, tableVersion));
      return true;
    } catch (e) {
      if (!(e instanceof ZkError)) throw e;
      if (e.code === ZkCode.NO_AUTH) throw new RoutingPermissionError(e.path ?? this.paths.table(), { cause: e });
      if (await this.alreadyWritten(record)) return true; // our multi committed; its reply was lost and the retry failed
      const moved = e.code === ZkCode.BAD_VERSION || e.code === ZkCode.NODE_EXISTS || e.code === ZkCode.NO_NODE;
      if (!moved || e.path === this.paths.historyEntryPrefix() || attempt >= COMMIT_ATTEMPTS) throw e;
      return false;
    }
  }

  private ops(record: RoutingRecord, found: FoundRecord | undefined, tableVersion: number): ZkOp[] {
    const path = this.paths.queue(record.queue);
    const entry = serializeHistoryEntry(historyEntryOf(found?.record, record, tableVersion + 1));
    const replace: ZkOp[] = found === undefined ? [] : [{ op: 'delete', path, version: found.znodeVersion }];
    return [
      ...replace,
      { op: 'create', path, data: serializeRoutingRecord(record), acl: recordAcl() },
      { op: 'set', path: this.paths.table(), data: Buffer.from(JSON.stringify({ queue: record.queue, changedAt: record.changedAt })), version: tableVersion },
      { op: 'create', path: this.paths.historyEntryPrefix(), data: entry, mode: 'persistent_sequential', acl: historyEntryAcl() },
    ];
  }

  /** True when the record in ZooKeeper is exactly `record` (a retried multi whose first try committed). */
  private async alreadyWritten(record: RoutingRecord): Promise<boolean> {
    const raw = await readRawRecord(this.zk, this.paths, record.queue);
    return raw !== undefined && raw.data.equals(serializeRoutingRecord(record));
  }

  private async pruneQuietly(): Promise<void> {
    try {
      const deleted = await pruneHistory(this.zk, this.paths, this.historyLimit);
      if (deleted > 0) this.logger.debug({ deleted, keep: this.historyLimit }, 'routing history pruned');
    } catch (e) {
      this.logger.warn({ err: e }, 'routing history not pruned (the next write prunes it)');
    }
  }
}

function parseFound(raw: RawRecord): FoundRecord {
  try {
    const record = parseRoutingRecord(raw.queue, raw.data);
    return { version: record.version, znodeVersion: raw.znodeVersion, record };
  } catch (e) {
    if (e instanceof RoutingRecordError) return { version: UNREADABLE_RECORD_VERSION, znodeVersion: raw.znodeVersion, error: e };
    throw e;
  }
}

/**
 * A first record is legacy or pacer; a change must be a transition of routing-transitions.ts,
 * directions included (an unreadable record may be replaced by anything valid).
 */
function checkTransition(queue: string, from: RoutingRecord | undefined, isFirst: boolean, to: RoutingChange): void {
  if (isFirst && !isRoutableMode(to.mode)) throw new RoutingTransitionError(queue, undefined, to.mode);
  if (from !== undefined && transition(from, to) === undefined) throw new RoutingTransitionError(queue, from.mode, to.mode, from.direction, to.direction);
}
