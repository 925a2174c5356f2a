/**
 * The queue limits as the operator CLI reads and writes them (`pinlater-ops queue pause|unpause`,
 * `limits set|clear|show`; the gateways' side is zk-limit-source.ts). Layout: routing-paths.ts;
 * who may write: routing-acl.ts (only the operator).
 *
 * A change is ONE ZooKeeper multi-op, as a routing change is (routing-store.ts):
 *   1. the limit node is replaced (deleted and created again: limit nodes are immutable), created
 *      for a queue without one, or deleted (`limits clear`, or unpausing a queue without a rate);
 *   2. `<root>/limits` is set by compare-and-set on its version: its data version is the limits
 *      version, which gateways publish in their presence once they apply it.
 * Compare-and-set: `expectedVersion` is the limit's `version` as the operator read it (0: none,
 * UNREADABLE_LIMIT_VERSION: a limit that does not parse). When `limits` moved meanwhile and the
 * queue's limit is still at `expectedVersion`, the store tries again; otherwise it throws
 * QueueLimitConflictError. At most DEFAULT_MAX_LIMIT_RECORDS limits exist (gateways read no more):
 * creating one more is QueueLimitsFullError.
 */
import { systemClock, type Clock } from '../../../core/src/util/clock';
import type { DigestCredential } from '../../../core/src/zookeeper/zk-acl';
import type { ZkClient, ZkOp } from '../../../core/src/zookeeper/zk-client';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import { QueueLimitConflictError, QueueLimitsFullError } from './queue-limit-errors';
import { QUEUE_LIMIT_FORMAT, QueueLimitRecordError, serializeQueueLimitRecord, type QueueLimitRecord } from './queue-limit-record';
import {
  DEFAULT_MAX_LIMIT_RECORDS, parseRawQueueLimit, QueueLimitsMissingError, readQueueLimits, readRawQueueLimit, type RawQueueLimit,
} from './queue-limits-reader';
import { limitRecordAcl } from './routing-acl';
import { RoutingPermissionError } from './routing-errors';
import { assertQueueName, RoutingPaths } from './routing-paths';

/** What an operator sets; the store fills in the queue, format, version and time. */
export interface QueueLimitChange {
  readonly maxJobsPerSecond: number | null;
  readonly paused: boolean;
  readonly changedBy: string;
  readonly reason: string;
}

export interface QueueLimitStoreOptions {
  readonly paths?: RoutingPaths;
  readonly clock?: Clock;
  /** Limits that may exist (and are read). Default DEFAULT_MAX_LIMIT_RECORDS. */
  readonly maxRecords?: number;
}

/** A queue's limit as found: parsed, or why it does not parse. */
export interface FoundQueueLimit {
  /** The record's version, or UNREADABLE_LIMIT_VERSION. */
  readonly version: number;
  readonly znodeVersion: number;
  readonly record?: QueueLimitRecord;
  readonly error?: QueueLimitRecordError;
}

export interface QueueLimitListing {
  readonly limitsVersion: number;
  readonly records: readonly QueueLimitRecord[];
  /** Limits that do not parse (gateways keep what they applied before). */
  readonly invalid: ReadonlyArray<{ readonly queue: string; readonly error: string }>;
  /** Limits beyond the bound, which gateways do not read. */
  readonly skipped: readonly string[];
}

export interface QueueLimitWriteResult {
  /** The limit now in force (null: the queue has none). */
  readonly record: QueueLimitRecord | null;
  /** The limits version this change produced. */
  readonly limitsVersion: number;
}

export const UNREADABLE_LIMIT_VERSION = -1;

/** Commits tried while other queues' changes keep moving `limits`. */
const COMMIT_ATTEMPTS = 20;

export class QueueLimitStore {
  readonly paths: RoutingPaths;
  private readonly clock: Clock;
  private readonly maxRecords: number;

  private constructor(private readonly zk: ZkClient, options: QueueLimitStoreOptions) {
    this.paths = options.paths ?? new RoutingPaths();
    this.clock = options.clock ?? systemClock;
    this.maxRecords = options.maxRecords ?? DEFAULT_MAX_LIMIT_RECORDS;
  }

  /** A store on `zk` (the caller's session; not closed here), authenticated as `operator`. */
  static async open(zk: ZkClient, operator: DigestCredential, options: QueueLimitStoreOptions = {}): Promise<QueueLimitStore> {
    await zk.addAuth('digest', operator.authText());
    return new QueueLimitStore(zk, options);
  }

  /** A store that only reads (limits are world-readable); a write is refused (RoutingPermissionError). */
  static forReading(zk: ZkClient, options: QueueLimitStoreOptions = {}): QueueLimitStore {
    return new QueueLimitStore(zk, options);
  }

  /** The queue's limit as found, undefined when it has none. */
  async find(queue: string): Promise<FoundQueueLimit | undefined> {
    const raw = await readRawQueueLimit(this.zk, this.paths, queue);
    return raw === undefined ? undefined : parseFound(raw);
  }

  /** Every limit (bounded), and the ones that do not parse; QueueLimitsMissingError without `<root>/limits`. */
  async list(): Promise<QueueLimitListing> {
    const snapshot = await readQueueLimits(this.zk, this.paths, { maxRecords: this.maxRecords });
    const records: QueueLimitRecord[] = [];
    const invalid: Array<{ queue: string; error: string }> = [];
    for (const raw of snapshot.records) {
      const found = parseFound(raw);
      if (found.record) records.push(found.record);
      else invalid.push({ queue: raw.queue, error: found.error?.message ?? 'unreadable' });
    }
    for (const name of snapshot.strayNames) invalid.push({ queue: name, error: 'not a queue name' });
    return { limitsVersion: snapshot.limitsVersion, records, invalid, skipped: snapshot.skipped };
  }

  /**
   * Sets the queue's limit (`change`), or deletes it (`null`), if its version is still
   * `expectedVersion`; bumps the limits version, atomically.
   */
  async write(queue: string, change: QueueLimitChange | null, expectedVersion: number): Promise<QueueLimitWriteResult> {
    assertQueueName(queue);
    for (let attempt = 1; ; attempt += 1) {
      const limits = await this.limitsNode(); // first: a version unchanged at commit means no limit changed since
      const found = await this.find(queue);
      checkExpected(queue, found, expectedVersion);
      if (found === undefined && change !== null && limits.numChildren >= this.maxRecords) throw new QueueLimitsFullError(queue, this.maxRecords);
      const record = change === null ? null : this.nextRecord(queue, change, expectedVersion);
      if (await this.commit(queue, record, found, limits.version, attempt)) return { record, limitsVersion: limits.version + 1 };
    }
  }

  private async limitsNode(): Promise<{ version: number; numChildren: number }> {
    try {
      return (await this.zk.get(this.paths.limits())).stat;
    } catch (e) {
      if (ZkError.is(e, ZkCode.NO_NODE)) throw new QueueLimitsMissingError(this.paths.limits());
      throw e;
    }
  }

  private nextRecord(queue: string, change: QueueLimitChange, expectedVersion: number): QueueLimitRecord {
    return {
      format: QUEUE_LIMIT_FORMAT,
      queue,
      maxJobsPerSecond: change.maxJobsPerSecond,
      paused: change.paused,
      version: Math.max(0, expectedVersion) + 1,
      changedAt: new Date(this.clock.nowMs()).toISOString(),
      changedBy: change.changedBy,
      reason: change.reason,
    };
  }

  /** The multi-op: true when it committed, false when `limits` or the limit moved (read both again). */
  private async commit(queue: string, record: QueueLimitRecord | null, found: FoundQueueLimit | undefined, limitsVersion: number, attempt: number): Promise<boolean> {
    try {
      await this.zk.multi(this.ops(queue, record, found, limitsVersion));
      return true;
    } catch (e) {
      if (!(e instanceof ZkError)) throw e;
      if (e.code === ZkCode.NO_AUTH) throw new RoutingPermissionError(e.path ?? this.paths.limits(), { cause: e });
      if (await this.alreadyWritten(queue, record)) return true; // our multi committed; its reply was lost and the retry failed
      const moved = e.code === ZkCode.BAD_VERSION || e.code === ZkCode.NODE_EXISTS || e.code === ZkCode.NO_NODE;
      if (!moved || attempt >= COMMIT_ATTEMPTS) throw e;
      return false;
    }
  }

  private ops(queue: string, record: QueueLimitRecord | null, found: FoundQueueLimit | undefined, limitsVersion: number): ZkOp[] {
    const path = this.paths.limit(queue);
    const changedAt = record?.changedAt ?? new Date(this.clock.nowMs()).toISOString();
    return [
      ...(found === undefined ? [] : [{ op: 'delete', path, version: found.znodeVersion } as const]),
      ...(record === null ? [] : [{ op: 'create', path, data: serializeQueueLimitRecord(record), acl: limitRecordAcl() } as const]),
      { op: 'set', path: this.paths.limits(), data: Buffer.from(JSON.stringify({ queue, changedAt })), version: limitsVersion },
    ];
  }

  /** True when ZooKeeper holds exactly `record` (null: no limit) for the queue. */
  private async alreadyWritten(queue: string, record: QueueLimitRecord | null): Promise<boolean> {
    if (record === null) return false;
    const raw = await readRawQueueLimit(this.zk, this.paths, queue);
    return raw !== undefined && raw.data.equals(serializeQueueLimitRecord(record));
  }
}

function parseFound(raw: RawQueueLimit): FoundQueueLimit {
  try {
    const record = parseRawQueueLimit(raw);
    return { version: record.version, znodeVersion: raw.znodeVersion, record };
  } catch (e) {
    if (e instanceof QueueLimitRecordError) return { version: UNREADABLE_LIMIT_VERSION, znodeVersion: raw.znodeVersion, error: e };
    throw e;
  }
}

function checkExpected(queue: string, found: FoundQueueLimit | undefined, expectedVersion: number): void {
  const foundVersion = found?.version ?? 0;
  if (foundVersion !== expectedVersion) throw new QueueLimitConflictError(queue, expectedVersion, foundVersion, found?.record?.changedBy);
}
