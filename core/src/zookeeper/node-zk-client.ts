/**
 * `ZkClient` over node-zookeeper-client 1.1.3: promisified calls, transient-error retries
 * (`zk-error.ts`), a bound on every call (the library parks requests while it is disconnected),
 * the handshake and read timeouts the library lacks (`node-zk-connection-watchdog.ts`), session
 * events, ACLs and digest auth, and read/write counters. One instance is ONE session: after
 * `expired` (or `close()`) every call fails at once; a new session is a new client
 * (`zk-session-manager.ts` does that).
 *
 * Works around one library bug: its `Transaction` turns a version of 0 into -1 (`version || -1`),
 * so a compare-and-set on a node never written since its creation would match any version; the
 * version of each multi op is set again after the library built it (`pinVersion`).
 */
import zookeeper, { type Client, type Event, type Exception, type Stat } from 'node-zookeeper-client';
import { guardReplyParsing } from './node-zk-frame-guard';
import { ConnectionWatchdog } from './node-zk-connection-watchdog';
import { ALL_PERMISSIONS, permissionMask, permissionsOf, worldAcl } from './zk-acl';
import { ZkCode, ZkError, withZkRetries } from './zk-error';
import type {
  ZkAcl,
  ZkClient,
  ZkCreateMode,
  ZkNodeData,
  ZkOp,
  ZkOpCounters,
  ZkOpResult,
  ZkSessionEvent,
  ZkStat,
  ZkWatcher,
  ZkWatchEventType,
} from './zk-client';

export interface NodeZkClientOptions {
  /** `host:port[,host:port...][/chroot]`. */
  readonly connectString: string;
  readonly sessionTimeoutMs: number;
  /** Give up connecting after this long. Default: the session timeout. */
  readonly connectTimeoutMs?: number;
  /** Re-attach to an existing session (to end an abandoned session, or to force expiry in tests). */
  readonly sessionId?: Buffer;
  readonly sessionPassword?: Buffer;
  /** Drop a connection whose handshake takes longer. Default: a third of the session timeout. */
  readonly handshakeTimeoutMs?: number;
  /** Drop a connection that heard nothing for this long. Default: 2/3 of the session timeout. */
  readonly readTimeoutMs?: number;
  /**
   * A reply the library could not parse (its connection was dropped and re-made, node-zk-frame-guard.ts).
   * Default: a process warning.
   */
  readonly onReplyParseError?: (error: unknown) => void;
}

type Callback<T> = (error: Error | Exception | null, value: T) => void;

const CLOSE_WAIT_MS = 3000;

function warnReplyParseError(error: unknown): void {
  process.emitWarning(`zookeeper reply could not be parsed; connection dropped and re-made: ${error instanceof Error ? error.message : String(error)}`, 'ZkReplyParseWarning');
}

/** node-zookeeper-client's Exception extends Error; recognise it by its code accessor. */
function toZkError(error: Error | Exception, path?: string): Error {
  const e = error as Partial<Exception>;
  if (typeof e.getCode === 'function' && typeof e.getName === 'function') {
    return new ZkError(e.getCode(), e.getName(), path ?? e.getPath?.(), { cause: error });
  }
  return error as Error;
}

function bufferToNumber(buffer: Buffer): number {
  return buffer.length === 8 ? Number(buffer.readBigInt64BE(0)) : 0;
}

function toStat(stat: Stat): ZkStat {
  return {
    version: stat.version,
    ephemeralOwner: stat.ephemeralOwner.toString('hex'),
    numChildren: stat.numChildren,
    mtimeMs: bufferToNumber(stat.mtime),
  };
}

const EVENT_TYPES: ReadonlyMap<number, ZkWatchEventType> = new Map([
  [zookeeper.Event.NODE_CREATED, 'created'],
  [zookeeper.Event.NODE_DELETED, 'deleted'],
  [zookeeper.Event.NODE_DATA_CHANGED, 'dataChanged'],
  [zookeeper.Event.NODE_CHILDREN_CHANGED, 'childrenChanged'],
]);

const CREATE_MODES: Readonly<Record<ZkCreateMode, number>> = {
  persistent: zookeeper.CreateMode.PERSISTENT,
  ephemeral: zookeeper.CreateMode.EPHEMERAL,
  persistent_sequential: zookeeper.CreateMode.PERSISTENT_SEQUENTIAL,
  ephemeral_sequential: zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
};

/** The library's ACL objects; no entries means open (world, all), as the library's default. */
function toLibraryAcl(acl: readonly ZkAcl[] | undefined): zookeeper.ACL[] {
  const entries = acl === undefined || acl.length === 0 ? [worldAcl(ALL_PERMISSIONS)] : acl;
  return entries.map((e) => new zookeeper.ACL(permissionMask(e.permissions), new zookeeper.Id(e.scheme, e.id)));
}

/** The library's ACL keeps its mask in `permission` (its type declarations say `perms`). */
function fromLibraryAcl(acl: readonly zookeeper.ACL[]): ZkAcl[] {
  return acl.map((e) => {
    const mask = (e as unknown as { permission?: number }).permission ?? e.perms;
    return { scheme: e.id.scheme, id: e.id.id, permissions: permissionsOf(mask) };
  });
}

export class NodeZkClient implements ZkClient {
  private reads = 0;
  private writes = 0;
  private closed = false;
  private expired = false;
  /** Rejecters of calls in flight: failed at once when the session ends (the library would park them). */
  private readonly inFlight = new Set<(error: Error) => void>();
  private readonly listeners = new Set<(event: ZkSessionEvent) => void>();
  /** Wraps each user watcher once, so re-registering the same function does not pile up. */
  private readonly wrapped = new WeakMap<ZkWatcher, (event: Event) => void>();
  /** `scheme:auth` already added to this session (the library would resend duplicates on every reconnection). */
  private readonly auths = new Set<string>();

  private constructor(
    private readonly raw: Client,
    private readonly watchdog: ConnectionWatchdog,
    private readonly opTimeoutMs: number,
  ) {
    raw.on('state', (state) => this.onState(state));
  }

  /**
   * Connects and resolves once the session is established (bounded by `connectTimeoutMs`). Re-
   * attaching to a session the server already expired rejects with SESSION_EXPIRED.
   */
  static connect(options: NodeZkClientOptions): Promise<NodeZkClient> {
    const raw = zookeeper.createClient(options.connectString, {
      sessionTimeout: options.sessionTimeoutMs,
      spinDelay: 100,
      retries: 2,
      ...(options.sessionId ? { sessionId: options.sessionId, sessionPassword: options.sessionPassword } : {}),
    } as Partial<zookeeper.Option>);
    guardReplyParsing(raw, options.onReplyParseError ?? warnReplyParseError);
    const watchdog = new ConnectionWatchdog(raw, {
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? Math.floor(options.sessionTimeoutMs / 3),
      readTimeoutMs: options.readTimeoutMs ?? Math.floor((options.sessionTimeoutMs * 2) / 3),
    });
    const timeoutMs = options.connectTimeoutMs ?? options.sessionTimeoutMs;
    return new Promise((resolve, reject) => {
      const fail = (code: number, name: string): void => {
        clearTimeout(timer);
        raw.removeAllListeners('connected');
        raw.removeAllListeners('expired');
        watchdog.stop();
        raw.close();
        watchdog.destroySocket(); // a client that never connected must not keep a socket or a reconnect loop
        reject(new ZkError(code, name, undefined));
      };
      const timer = setTimeout(() => fail(ZkCode.CONNECTION_LOSS, 'CONNECTION_LOSS'), timeoutMs);
      raw.once('expired', () => fail(ZkCode.SESSION_EXPIRED, 'SESSION_EXPIRED'));
      raw.once('connected', () => {
        clearTimeout(timer);
        raw.removeAllListeners('expired');
        resolve(new NodeZkClient(raw, watchdog, Math.max(2 * options.sessionTimeoutMs, 5000)));
      });
      raw.connect();
    });
  }

  sessionId(): string {
    return this.raw.getSessionId().toString('hex');
  }

  sessionPassword(): Buffer {
    return Buffer.from(this.raw.getSessionPassword());
  }

  sessionTimeoutMs(): number {
    return this.raw.getSessionTimeout();
  }

  create(path: string, data: Buffer, mode: ZkCreateMode = 'persistent', acl?: readonly ZkAcl[]): Promise<string> {
    this.writes++;
    return this.call<string>(path, (cb) => this.raw.create(path, data, toLibraryAcl(acl), CREATE_MODES[mode], cb));
  }

  async mkdirp(path: string): Promise<void> {
    await this.call<string>(path, (cb) => this.raw.mkdirp(path, cb));
  }

  async get(path: string, watcher?: ZkWatcher): Promise<ZkNodeData> {
    this.reads++;
    const [data, stat] = await this.call<[Buffer, Stat]>(path, (cb) => {
      const done = (e: Error | Exception | null, d: Buffer, s: Stat): void => cb(e, [d, s]);
      if (watcher) this.raw.getData(path, this.wrap(watcher), done);
      else this.raw.getData(path, done);
    });
    return { data: data ?? Buffer.alloc(0), stat: toStat(stat) };
  }

  async set(path: string, data: Buffer, version = -1): Promise<ZkStat> {
    this.writes++;
    return toStat(await this.call<Stat>(path, (cb) => this.raw.setData(path, data, version, cb)));
  }

  async delete(path: string, version = -1): Promise<void> {
    this.writes++;
    await this.call<null>(path, (cb) => this.raw.remove(path, version, (e) => cb(e, null)));
  }

  async exists(path: string, watcher?: ZkWatcher): Promise<ZkStat | null> {
    this.reads++;
    const stat = await this.call<Stat | null>(path, (cb) => {
      if (watcher) this.raw.exists(path, this.wrap(watcher), cb);
      else this.raw.exists(path, cb);
    });
    return stat ? toStat(stat) : null;
  }

  children(path: string, watcher?: ZkWatcher): Promise<string[]> {
    this.reads++;
    return this.call<string[]>(path, (cb) => {
      if (watcher) this.raw.getChildren(path, this.wrap(watcher), cb);
      else this.raw.getChildren(path, cb);
    });
  }

  async multi(ops: readonly ZkOp[]): Promise<ZkOpResult[]> {
    if (ops.length === 0) return [];
    this.writes += ops.filter((o) => o.op !== 'check').length;
    const results = await this.call<unknown>(ops[0]?.path, (cb) => {
      const tx = this.raw.transaction();
      for (const o of ops) addOp(tx, o);
      tx.commit((error, raw) => cb(error ? firstOpError(error, raw, ops) : null, raw));
    });
    return ops.map((o, i) => toOpResult(o, Array.isArray(results) ? (results[i] as RawOpResult | undefined) : undefined));
  }

  async getAcl(path: string): Promise<{ acl: ZkAcl[]; stat: ZkStat }> {
    this.reads++;
    const [acl, stat] = await this.call<[zookeeper.ACL[], Stat]>(path, (cb) => {
      this.raw.getACL(path, (e, a, s) => cb(e, [a, s]));
    });
    return { acl: fromLibraryAcl(acl), stat: toStat(stat) };
  }

  async setAcl(path: string, acl: readonly ZkAcl[], aclVersion = -1): Promise<ZkStat> {
    this.writes++;
    return toStat(await this.call<Stat>(path, (cb) => this.raw.setACL(path, toLibraryAcl(acl), aclVersion, cb)));
  }

  /**
   * The library queues the auth packet without a reply to wait for; the server handles a
   * session's requests in order, so the round trip after it resolves once the auth is in effect.
   */
  async addAuth(scheme: 'digest', auth: string): Promise<void> {
    const key = `${scheme}:${auth}`;
    if (!this.auths.has(key)) {
      this.auths.add(key);
      this.raw.addAuthInfo(scheme, Buffer.from(auth, 'utf8'));
    }
    await this.exists('/');
  }

  onSessionEvent(listener: (event: ZkSessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  counters(): ZkOpCounters {
    return { reads: this.reads, writes: this.writes };
  }

  /**
   * Ends the session: a connected client tells the server (its ephemeral nodes vanish at once) and
   * waits for that, bounded. A disconnected one just stops: the caller gave up on the connection
   * (`zk-session-manager.ts` ends such an abandoned session on the server from a new client).
   * Either way no socket and no reconnect loop outlive the call.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.failInFlight('CLIENT_CLOSED');
    this.watchdog.stop();
    if (this.raw.getState() !== zookeeper.State.SYNC_CONNECTED) {
      this.raw.close();
      this.watchdog.destroySocket();
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.watchdog.destroySocket();
        resolve();
      }, CLOSE_WAIT_MS);
      this.raw.once('disconnected', () => {
        clearTimeout(timer);
        resolve();
      });
      this.raw.close();
    });
  }

  private onState(state: zookeeper.State): void {
    if (state === zookeeper.State.EXPIRED) {
      this.expired = true;
      this.failInFlight('SESSION_EXPIRED');
    }
    if (this.closed) return;
    const event = sessionEventOf(state);
    if (event) for (const listener of [...this.listeners]) listener(event);
  }

  private wrap(watcher: ZkWatcher): (event: Event) => void {
    let fn = this.wrapped.get(watcher);
    if (!fn) {
      fn = (event: Event) => {
        const type = EVENT_TYPES.get(event.getType());
        if (type && !this.closed) watcher({ type, path: event.getPath() });
      };
      this.wrapped.set(watcher, fn);
    }
    return fn;
  }

  private failInFlight(name: string): void {
    for (const reject of [...this.inFlight]) reject(new ZkError(ZkCode.SESSION_EXPIRED, name, undefined));
    this.inFlight.clear();
  }

  private call<T>(path: string | undefined, start: (cb: Callback<T>) => void): Promise<T> {
    return withZkRetries(() => this.callOnce(path, start));
  }

  private callOnce<T>(path: string | undefined, start: (cb: Callback<T>) => void): Promise<T> {
    if (this.closed || this.expired) {
      return Promise.reject(new ZkError(ZkCode.SESSION_EXPIRED, this.closed ? 'CLIENT_CLOSED' : 'SESSION_EXPIRED', path));
    }
    return new Promise<T>((resolve, reject) => {
      const fail = (error: Error): void => {
        clearTimeout(timer);
        this.inFlight.delete(fail);
        reject(error);
      };
      const timer = setTimeout(() => fail(new ZkError(ZkCode.OPERATION_TIMEOUT, 'OPERATION_TIMEOUT', path)), this.opTimeoutMs);
      this.inFlight.add(fail);
      start((error, value) => {
        if (!this.inFlight.has(fail)) return;
        if (error) {
          fail(toZkError(error, path));
          return;
        }
        clearTimeout(timer);
        this.inFlight.delete(fail);
        resolve(value);
      });
    });
  }
}

function sessionEventOf(state: zookeeper.State): ZkSessionEvent | undefined {
  if (state === zookeeper.State.SYNC_CONNECTED) return 'connected';
  if (state === zookeeper.State.DISCONNECTED) return 'disconnected';
  if (state === zookeeper.State.EXPIRED) return 'expired';
  return undefined;
}

function addOp(tx: zookeeper.Transaction, o: ZkOp): void {
  switch (o.op) {
    case 'create':
      tx.create(o.path, o.data, toLibraryAcl(o.acl), CREATE_MODES[o.mode ?? 'persistent']);
      return;
    case 'set':
      tx.setData(o.path, o.data, o.version ?? -1);
      pinVersion(tx, o.version ?? -1);
      return;
    case 'delete':
      tx.remove(o.path, o.version ?? -1);
      pinVersion(tx, o.version ?? -1);
      return;
    case 'check':
      tx.check(o.path, o.version);
      pinVersion(tx, o.version);
      return;
  }
}

/** Undoes the library's `version || -1` on the op just added (a version of 0 must stay 0). */
function pinVersion(tx: zookeeper.Transaction, version: number): void {
  const ops = (tx as unknown as { ops?: Array<{ version?: number }> }).ops;
  const last = ops?.[ops.length - 1];
  if (last && typeof last.version === 'number') last.version = version;
}

interface RawOpResult {
  readonly path?: string;
  readonly stat?: Stat;
}

function toOpResult(o: ZkOp, raw: RawOpResult | undefined): ZkOpResult {
  switch (o.op) {
    case 'create':
      return { op: 'create', path: raw?.path ?? o.path };
    case 'set':
      if (!raw?.stat) throw new Error(`multi: the server sent no stat for the set of ${o.path}`);
      return { op: 'set', stat: toStat(raw.stat) };
    case 'delete':
      return { op: 'delete' };
    case 'check':
      return { op: 'check' };
  }
}

/** A failed multi reports a generic error; the per-op results name the op that failed. */
function firstOpError(error: Error | Exception, results: unknown, ops: readonly ZkOp[]): Error {
  if (Array.isArray(results)) {
    for (let i = 0; i < results.length; i++) {
      const r = results[i] as { err?: number } | undefined;
      if (r && typeof r.err === 'number' && r.err !== 0 && r.err !== -2) {
        return new ZkError(r.err, codeName(r.err), ops[i]?.path);
      }
    }
  }
  return toZkError(error);
}

function codeName(code: number): string {
  for (const [name, value] of Object.entries(ZkCode)) if (value === code) return name;
  return `ZK_ERROR_${code}`;
}
