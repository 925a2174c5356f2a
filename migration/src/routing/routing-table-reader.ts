/**
 * One full read of the routing table, shared by the operator side (routing-store.ts `list`) and
 * the gateway side (zk-route-source.ts): the table version first, then the queue names, then
 * every record with bounded concurrency. Reading the version FIRST makes the snapshot at least as
 * new as the version it reports; a change that lands during the read fires the caller's watch on
 * `table`, and its next read picks it up.
 *
 * Raw data only: parsing (and what to do with a record that does not parse) is the caller's.
 */
import { isValidQueueName } from '../../../core/src/types/queue-name';
import { mapBounded } from '../../../core/src/util/map-bounded';
import type { ZkClient, ZkWatcher } from '../../../core/src/zookeeper/zk-client';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import type { RoutingPaths } from './routing-paths';

export interface RawRecord {
  readonly queue: string;
  readonly data: Buffer;
  /** The znode's data version (the record's `version` - 1 when written by our code). */
  readonly znodeVersion: number;
  readonly mtimeMs: number;
}

export interface RoutingTableSnapshot {
  /** `<root>/table`'s data version when the read began. */
  readonly tableVersion: number;
  readonly records: readonly RawRecord[];
  /** Children of `queues` whose names are not queue names (never routed; reported). */
  readonly strayNames: readonly string[];
}

export interface ReadRoutingTableOptions {
  /** Records read at once. Default 16. */
  readonly concurrency?: number;
  /** Armed on `table` (data) and `queues` (children): fires on the next change of either. */
  readonly watcher?: ZkWatcher;
}

/** The routing tree has not been set up (`setupRoutingTree`, the operator CLI's `setup`). */
export class RoutingTreeMissingError extends Error {
  constructor(readonly root: string) {
    super(`routing table ${root} does not exist in ZooKeeper: set it up first (pinlater-ops setup)`);
    this.name = 'RoutingTreeMissingError';
  }
}

export async function readRoutingTable(zk: ZkClient, paths: RoutingPaths, options: ReadRoutingTableOptions = {}): Promise<RoutingTableSnapshot> {
  const table = await getOrMissing(zk, paths.table(), options.watcher);
  if (table === undefined) throw new RoutingTreeMissingError(paths.root);
  const names = await zk.children(paths.queues(), options.watcher);
  const strayNames = names.filter((n) => !isValidQueueName(n));
  const queues = names.filter((n) => isValidQueueName(n)).sort();
  const read = await mapBounded(queues, options.concurrency ?? 16, (queue) => readRawRecord(zk, paths, queue));
  return { tableVersion: table.version, records: read.filter((r): r is RawRecord => r !== undefined), strayNames };
}

/** One record's raw data, or undefined when the queue has no record. */
export async function readRawRecord(zk: ZkClient, paths: RoutingPaths, queue: string, watcher?: ZkWatcher): Promise<RawRecord | undefined> {
  try {
    const { data, stat } = await zk.get(paths.queue(queue), watcher);
    return { queue, data, znodeVersion: stat.version, mtimeMs: stat.mtimeMs };
  } catch (e) {
    if (ZkError.is(e, ZkCode.NO_NODE)) return undefined;
    throw e;
  }
}

async function getOrMissing(zk: ZkClient, path: string, watcher?: ZkWatcher): Promise<{ version: number } | undefined> {
  try {
    return (await zk.get(path, watcher)).stat;
  } catch (e) {
    if (!ZkError.is(e, ZkCode.NO_NODE)) throw e;
    // No data watch is left on a missing node: watch for its creation instead.
    if (watcher && (await zk.exists(path, watcher)) !== null) return getOrMissing(zk, path, watcher);
    return undefined;
  }
}
