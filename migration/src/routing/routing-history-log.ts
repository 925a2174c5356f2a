/**
 * Reading and pruning `<root>/history` (format and retention: routing-history.ts). Entries are
 * ordered by ZooKeeper's sequence number, i.e. in the order the changes committed.
 */
import { mapBounded } from '../../../core/src/util/map-bounded';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import { parseHistoryEntry, type RoutingHistoryEntry } from './routing-history';
import { historySequence, type RoutingPaths } from './routing-paths';

export interface HistoryQuery {
  /** Only this queue's changes. */
  readonly queue?: string;
  /** At most this many entries, newest first. */
  readonly limit: number;
}

const READ_CONCURRENCY = 16;

interface EntryName {
  readonly name: string;
  readonly sequence: number;
}

/** Entry names, oldest first. */
async function entryNames(zk: ZkClient, paths: RoutingPaths): Promise<EntryName[]> {
  const names = await zk.children(paths.history());
  return names
    .map((name) => ({ name, sequence: historySequence(name) }))
    .filter((e): e is EntryName => e.sequence !== undefined)
    .sort((a, b) => a.sequence - b.sequence);
}

/** The newest `limit` entries (of `queue`, when given), newest first; unreadable entries are skipped. */
export async function readHistory(zk: ZkClient, paths: RoutingPaths, query: HistoryQuery): Promise<RoutingHistoryEntry[]> {
  const newestFirst = (await entryNames(zk, paths)).reverse();
  const found: RoutingHistoryEntry[] = [];
  for (let start = 0; start < newestFirst.length && found.length < query.limit; start += READ_CONCURRENCY * 4) {
    const page = newestFirst.slice(start, start + READ_CONCURRENCY * 4);
    const entries = await mapBounded(page, READ_CONCURRENCY, (e) => readEntry(zk, paths, e));
    for (const entry of entries) {
      if (entry && (query.queue === undefined || entry.queue === query.queue) && found.length < query.limit) found.push(entry);
    }
  }
  return found;
}

async function readEntry(zk: ZkClient, paths: RoutingPaths, e: EntryName): Promise<RoutingHistoryEntry | undefined> {
  try {
    return parseHistoryEntry(e.sequence, (await zk.get(paths.historyEntry(e.name))).data);
  } catch (error) {
    if (ZkError.is(error, ZkCode.NO_NODE)) return undefined; // pruned meanwhile
    throw error;
  }
}

/** Deletes the oldest entries beyond `keep`; resolves with how many it deleted. */
export async function pruneHistory(zk: ZkClient, paths: RoutingPaths, keep: number): Promise<number> {
  const names = await entryNames(zk, paths);
  const excess = names.slice(0, Math.max(0, names.length - keep));
  const deleted = await mapBounded(excess, READ_CONCURRENCY, async (e): Promise<number> => {
    try {
      await zk.delete(paths.historyEntry(e.name));
      return 1;
    } catch (error) {
      if (ZkError.is(error, ZkCode.NO_NODE)) return 0; // another writer pruned it
      throw error;
    }
  });
  return deleted.reduce((a, b) => a + b, 0);
}
