/**
 * ZNRecord reads and writes over a `ZkClient`: tolerant reads, create-if-absent, and
 * compare-and-set updates (retried on BAD_VERSION), as Helix's ZkBaseDataAccessor does.
 */
import type { ZkClient, ZkCreateMode, ZkWatcher } from '../../../core/src/zookeeper/zk-client';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import { parseRecord, recordsEqual, serializeRecord, type ZNRecord } from './zn-record';

export interface VersionedRecord {
  readonly record: ZNRecord;
  readonly version: number;
  readonly ephemeralOwner: string;
}

const MAX_CAS_ATTEMPTS = 20;

/** The record at `path`, or undefined when the node does not exist. */
export async function readRecord(zk: ZkClient, path: string, watcher?: ZkWatcher): Promise<VersionedRecord | undefined> {
  try {
    const { data, stat } = await zk.get(path, watcher);
    const id = path.slice(path.lastIndexOf('/') + 1);
    return { record: parseRecord(data, id), version: stat.version, ephemeralOwner: stat.ephemeralOwner };
  } catch (e) {
    if (ZkError.is(e, ZkCode.NO_NODE)) return undefined;
    throw e;
  }
}

/** Children of `path`, or [] when it does not exist. */
export async function childrenOrEmpty(zk: ZkClient, path: string, watcher?: ZkWatcher): Promise<string[]> {
  try {
    return await zk.children(path, watcher);
  } catch (e) {
    if (ZkError.is(e, ZkCode.NO_NODE)) return [];
    throw e;
  }
}

/** Creates the node; resolves false when it already exists. */
export async function createRecord(zk: ZkClient, path: string, record: ZNRecord, mode: ZkCreateMode = 'persistent'): Promise<boolean> {
  try {
    await zk.create(path, serializeRecord(record), mode);
    return true;
  } catch (e) {
    if (ZkError.is(e, ZkCode.NODE_EXISTS)) return false;
    throw e;
  }
}

export async function ensureNode(zk: ZkClient, path: string): Promise<void> {
  try {
    await zk.create(path, Buffer.alloc(0));
  } catch (e) {
    if (!ZkError.is(e, ZkCode.NODE_EXISTS)) throw e;
  }
}

export async function deleteIfExists(zk: ZkClient, path: string, version = -1): Promise<boolean> {
  try {
    await zk.delete(path, version);
    return true;
  } catch (e) {
    if (ZkError.is(e, ZkCode.NO_NODE)) return false;
    throw e;
  }
}

/** Deletes `path` and everything below it (depth first); a missing node is fine. */
export async function deleteRecursive(zk: ZkClient, path: string): Promise<void> {
  for (const child of await childrenOrEmpty(zk, path)) await deleteRecursive(zk, `${path}/${child}`);
  await deleteIfExists(zk, path);
}

/**
 * Read-modify-write with the node's version. `update` gets a copy (or undefined when the node is
 * missing) and returns the new record, or undefined to leave the node alone. Creates the node
 * when missing. Resolves with the written record, or undefined when nothing was written.
 */
export async function updateRecord(
  zk: ZkClient,
  path: string,
  update: (current: ZNRecord | undefined) => ZNRecord | undefined,
): Promise<ZNRecord | undefined> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const current = await readRecord(zk, path);
    const next = update(current?.record);
    if (!next || (current && recordsEqual(current.record, next))) return undefined;
    try {
      if (current) await zk.set(path, serializeRecord(next), current.version);
      else await zk.create(path, serializeRecord(next));
      return next;
    } catch (e) {
      if (!ZkError.is(e, ZkCode.BAD_VERSION) && !ZkError.is(e, ZkCode.NODE_EXISTS)) throw e;
    }
  }
  throw new Error(`updateRecord: ${path} kept changing under us (${MAX_CAS_ATTEMPTS} attempts)`);
}
