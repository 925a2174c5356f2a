/**
 * The small ZooKeeper contract the coordination layer depends on (STYLE §3: third-party clients
 * sit behind our own interface). `node-zk-client.ts` implements it over node-zookeeper-client.
 *
 * Not in the contract: ACLs, auth, sequential nodes, read-only mode. Paths are absolute inside
 * the client's chroot. Every method rejects with `ZkError` (see `zk-error.ts`).
 */

export type ZkCreateMode = 'persistent' | 'ephemeral';

export interface ZkStat {
  /** Data version, for compare-and-set. */
  readonly version: number;
  /** Session id (16 hex digits) owning an ephemeral node, or `0000000000000000`. */
  readonly ephemeralOwner: string;
  readonly numChildren: number;
  readonly mtimeMs: number;
}

export type ZkWatchEventType = 'created' | 'deleted' | 'dataChanged' | 'childrenChanged';

export interface ZkWatchEvent {
  readonly type: ZkWatchEventType;
  readonly path: string;
}

/** One-shot watch, as in ZooKeeper. The same function object is registered at most once per path. */
export type ZkWatcher = (event: ZkWatchEvent) => void;

export type ZkOp =
  | { readonly op: 'create'; readonly path: string; readonly data: Buffer; readonly mode?: ZkCreateMode }
  | { readonly op: 'set'; readonly path: string; readonly data: Buffer; readonly version?: number }
  | { readonly op: 'delete'; readonly path: string; readonly version?: number }
  | { readonly op: 'check'; readonly path: string; readonly version: number };

/** Session-level events: `expired` is final for this client; make a new one. */
export type ZkSessionEvent = 'connected' | 'disconnected' | 'expired';

export interface ZkNodeData {
  readonly data: Buffer;
  readonly stat: ZkStat;
}

/** Counters kept by the client, e.g. to report ZooKeeper writes per partition move. */
export interface ZkOpCounters {
  readonly reads: number;
  /** create/set/delete, counting every op inside a multi. */
  readonly writes: number;
}

export interface ZkClient {
  /** The current session id as 16 hex digits (as Helix writes SESSION_ID). */
  sessionId(): string;
  sessionPassword(): Buffer;
  /** The session timeout the server granted, in ms. */
  sessionTimeoutMs(): number;
  create(path: string, data: Buffer, mode?: ZkCreateMode): Promise<string>;
  /** Creates `path` and missing ancestors as empty persistent nodes; an existing node is fine. */
  mkdirp(path: string): Promise<void>;
  get(path: string, watcher?: ZkWatcher): Promise<ZkNodeData>;
  set(path: string, data: Buffer, version?: number): Promise<ZkStat>;
  delete(path: string, version?: number): Promise<void>;
  exists(path: string, watcher?: ZkWatcher): Promise<ZkStat | null>;
  children(path: string, watcher?: ZkWatcher): Promise<string[]>;
  /** Atomic multi-op; rejects with the first failing op's code. */
  multi(ops: readonly ZkOp[]): Promise<void>;
  onSessionEvent(listener: (event: ZkSessionEvent) => void): () => void;
  counters(): ZkOpCounters;
  /** Closes the session (its ephemeral nodes vanish at once) and waits, bounded. */
  close(): Promise<void>;
}
