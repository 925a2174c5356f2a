/**
 * One full read of the queue limits (`<root>/limits`, routing-paths.ts), shared by the operator
 * side (queue-limit-store.ts) and the gateways (zk-limit-source.ts): the limits version first
 * (the `limits` node's data version, bumped by every operator change), then the queue names, then
 * each limit with bounded concurrency. Reading the version FIRST makes the snapshot at least as
 * new as the version it reports; a change landing during the read fires the caller's watch.
 *
 * Bounded: at most `maxRecords` limits are read (the first ones in name order; the rest are
 * counted in `skipped`, and the operator side refuses to create more), and a limit's data larger
 * than MAX_LIMIT_RECORD_BYTES is never parsed (ZooKeeper's own jute.maxbuffer, 1 MiB by
 * default, bounds what one read returns).
 */
import { isValidQueueName } from '../../../core/src/types/queue-name';
import { mapBounded } from '../../../core/src/util/map-bounded';
import type { ZkClient, ZkWatcher } from '../../../core/src/zookeeper/zk-client';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import { MAX_LIMIT_RECORD_BYTES, parseQueueLimitRecord, QueueLimitRecordError, type QueueLimitRecord } from './queue-limit-record';
import type { RoutingPaths } from './routing-paths';

/** Limits read at most (and created at most by the operator). */
export const DEFAULT_MAX_LIMIT_RECORDS = 10_000;

export interface RawQueueLimit {
  readonly queue: string;
  /** The node's data, cut to MAX_LIMIT_RECORD_BYTES + 1 bytes when larger (never parsed then). */
  readonly data: Buffer;
  /** The data's real length. */
  readonly dataLength: number;
  readonly znodeVersion: number;
  readonly mtimeMs: number;
}

export interface QueueLimitsRawSnapshot {
  /** `<root>/limits`'s data version when the read began. */
  readonly limitsVersion: number;
  readonly records: readonly RawQueueLimit[];
  /** Children of `limits` whose names are not queue names (never applied; reported). */
  readonly strayNames: readonly string[];
  /** Queue names beyond `maxRecords`, not read. */
  readonly skipped: readonly string[];
}

export interface ReadQueueLimitsOptions {
  /** Limits read at once. Default 16. */
  readonly concurrency?: number;
  /** Armed on `limits` (data and children): fires on the next change of either. */
  readonly watcher?: ZkWatcher;
  /** Default DEFAULT_MAX_LIMIT_RECORDS. */
  readonly maxRecords?: number;
}

/** `<root>/limits` does not exist: the tree was set up before queue limits existed (`pinlater-ops setup` adds it). */
export class QueueLimitsMissingError extends Error {
  constructor(readonly path: string) {
    super(`queue limits node ${path} does not exist in ZooKeeper: run pinlater-ops setup (idempotent) to add it`);
    this.name = 'QueueLimitsMissingError';
  }
}

export async function readQueueLimits(zk: ZkClient, paths: RoutingPaths, options: ReadQueueLimitsOptions = {}): Promise<QueueLimitsRawSnapshot> {
  const node = await statOrMissing(zk, paths.limits(), options.watcher);
  if (node === undefined) throw new QueueLimitsMissingError(paths.limits());
  const names = await zk.children(paths.limits(), options.watcher);
  const strayNames = names.filter((n) => !isValidQueueName(n));
  const queues = names.filter((n) => isValidQueueName(n)).sort();
  const max = options.maxRecords ?? DEFAULT_MAX_LIMIT_RECORDS;
  const read = await mapBounded(queues.slice(0, max), options.concurrency ?? 16, (queue) => readRawQueueLimit(zk, paths, queue));
  return { limitsVersion: node.version, records: read.filter((r): r is RawQueueLimit => r !== undefined), strayNames, skipped: queues.slice(max) };
}

/** One limit's raw data, or undefined when the queue has none. */
export async function readRawQueueLimit(zk: ZkClient, paths: RoutingPaths, queue: string): Promise<RawQueueLimit | undefined> {
  try {
    const { data, stat } = await zk.get(paths.limit(queue));
    const kept = data.length > MAX_LIMIT_RECORD_BYTES ? Buffer.from(data.subarray(0, MAX_LIMIT_RECORD_BYTES + 1)) : data;
    return { queue, data: kept, dataLength: data.length, znodeVersion: stat.version, mtimeMs: stat.mtimeMs };
  } catch (e) {
    if (ZkError.is(e, ZkCode.NO_NODE)) return undefined;
    throw e;
  }
}

/** The limit a raw node holds; throws QueueLimitRecordError (oversized data is refused unread). */
export function parseRawQueueLimit(raw: RawQueueLimit): QueueLimitRecord {
  if (raw.dataLength > MAX_LIMIT_RECORD_BYTES) throw new QueueLimitRecordError(raw.queue, `${raw.dataLength} bytes, more than ${MAX_LIMIT_RECORD_BYTES}`);
  return parseQueueLimitRecord(raw.queue, raw.data);
}

async function statOrMissing(zk: ZkClient, path: string, watcher?: ZkWatcher): Promise<{ version: number } | undefined> {
  try {
    return (await zk.get(path, watcher)).stat;
  } catch (e) {
    if (!ZkError.is(e, ZkCode.NO_NODE)) throw e;
    // No data watch is left on a missing node: watch for its creation instead (setup re-run).
    if (watcher && (await zk.exists(path, watcher)) !== null) return statOrMissing(zk, path, watcher);
    return undefined;
  }
}
