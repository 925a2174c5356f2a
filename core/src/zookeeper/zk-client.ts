/**
 * The small ZooKeeper contract every ZooKeeper user depends on (STYLE §3: third-party clients sit
 * behind our own interface): Pacer's coordination and the gateways' routing table.
 * `node-zk-client.ts` implements it over node-zookeeper-client.
 *
 * In the contract: ACLs on create (also inside `multi`), reading and setting ACLs, `addAuth` for
 * the digest scheme (`zk-acl.ts` computes digest ids, so a password never goes into an ACL), and
 * sequential nodes. Not in it: read-only mode, `sync` (see `zk-session-renewal.ts`). Paths are
 * absolute inside the client's chroot. Every method rejects with `ZkError` (see `zk-error.ts`).
 */

/** `*_sequential` appends a 10-digit, per-parent increasing counter to the name (create returns the name). */
export type ZkCreateMode = 'persistent' | 'ephemeral' | 'persistent_sequential' | 'ephemeral_sequential';

/** ZooKeeper's permissions (`cdrwa`): `create`/`delete` are about a node's CHILDREN. */
export type ZkPermission = 'read' | 'write' | 'create' | 'delete' | 'admin';

/**
 * One ACL entry: `world:anyone`, or `digest:<user>:<base64 sha1(user:password)>` (`zk-acl.ts`),
 * or another scheme the server knows. A node without `acl` is created open (world, all).
 */
export interface ZkAcl {
  readonly scheme: string;
  readonly id: string;
  readonly permissions: readonly ZkPermission[];
}

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
  | { readonly op: 'create'; readonly path: string; readonly data: Buffer; readonly mode?: ZkCreateMode; readonly acl?: readonly ZkAcl[] }
  | { readonly op: 'set'; readonly path: string; readonly data: Buffer; readonly version?: number }
  | { readonly op: 'delete'; readonly path: string; readonly version?: number }
  | { readonly op: 'check'; readonly path: string; readonly version: number };

/** What each op of a successful multi did, in order: a create names the node (sequential ones too). */
export type ZkOpResult =
  | { readonly op: 'create'; readonly path: string }
  | { readonly op: 'set'; readonly stat: ZkStat }
  | { readonly op: 'delete' }
  | { readonly op: 'check' };

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
  /** Resolves with the created path (for a sequential node, with its counter). */
  create(path: string, data: Buffer, mode?: ZkCreateMode, acl?: readonly ZkAcl[]): Promise<string>;
  /** Creates `path` and missing ancestors as empty persistent nodes; an existing node is fine. */
  mkdirp(path: string): Promise<void>;
  get(path: string, watcher?: ZkWatcher): Promise<ZkNodeData>;
  set(path: string, data: Buffer, version?: number): Promise<ZkStat>;
  delete(path: string, version?: number): Promise<void>;
  exists(path: string, watcher?: ZkWatcher): Promise<ZkStat | null>;
  children(path: string, watcher?: ZkWatcher): Promise<string[]>;
  /**
   * Atomic multi-op; resolves with each op's result, or rejects with the first failing op's code
   * (its `path` names that op's node). A version of 0 means 0 (the node as created), -1 any.
   */
  multi(ops: readonly ZkOp[]): Promise<ZkOpResult[]>;
  getAcl(path: string): Promise<{ readonly acl: ZkAcl[]; readonly stat: ZkStat }>;
  /** Replaces the node's ACL (needs `admin` on it); `aclVersion` checks the ACL's own version. */
  setAcl(path: string, acl: readonly ZkAcl[], aclVersion?: number): Promise<ZkStat>;
  /**
   * Adds an identity to this session (`digest`, `user:password`), for every later call and kept
   * across reconnections of the same session; a NEW session starts without it. Resolves once the
   * server has seen it (digest auth itself never fails: a wrong password only yields another id).
   */
  addAuth(scheme: 'digest', auth: string): Promise<void>;
  onSessionEvent(listener: (event: ZkSessionEvent) => void): () => void;
  counters(): ZkOpCounters;
  /** Closes the session (its ephemeral nodes vanish at once) and waits, bounded. */
  close(): Promise<void>;
}
