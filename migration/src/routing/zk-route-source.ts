/**
 * The routing table as a gateway serves it (`RouteSource`, core/src/routing/queue-route.ts), over
 * ZooKeeper (layout: routing-paths.ts; the operator's writes: routing-store.ts).
 *
 * - **Reading.** Every record is read (bounded concurrency, routing-table-reader.ts) on each new
 *   session or reconnection and whenever the table changes: a watch on `<root>/table` (the
 *   operator's changes bump it) and one on the children of `<root>/queues` (records gateways
 *   create), re-armed by every read. A change is applied as soon as its watch fires (issue 10:
 *   within 1 s). Everything is served from memory.
 * - **Records that do not parse**, or that give no route (record-route.ts; a mode this gateway
 *   does not know fails to parse): ignored with an error log, counted in `status().invalidRecords`
 *   (once per bad version); the queue's previous route stays in force. A `shadow` record is
 *   served (issue 13): its legacy cluster answers, Pacer holds the shadow copies. A queue whose record was
 *   never usable here is refused (NO_HEALTHY_SHARDS), never routed by guess.
 * - **ZooKeeper trouble.** The table last applied keeps serving; `status().degraded` is true
 *   while the session is SUSPENDED or LOST (core/src/zookeeper/zk-connection-state.ts) and until
 *   the next full read on the new or restored connection succeeds. Before the first full read
 *   `loaded` is false and `routeOf` refuses every queue (NO_HEALTHY_SHARDS): a gateway started
 *   while ZooKeeper is unreachable serves nothing routed until it has read the table, and says so
 *   in its log and status.
 * - **Presence.** The gateway publishes `<root>/gateways/<id>` (gateway-presence-publisher.ts),
 *   ephemeral, updated whenever the applied version changes and re-created on every new session.
 *   Only this process can change it: it is written under a random per-process digest identity.
 * - **Queue limits** (optional, `limits`): a ZkLimitSource (zk-limit-source.ts) on the same
 *   session applies `<root>/limits`; the presence also carries the limits version applied. The
 *   table is not `loaded` before the limits were read once, so a gateway never serves a dequeue
 *   its limits (a pause) would refuse.
 * - **New queues.** `recordCreated` creates a queue's FIRST record (`changedBy: gateway:<id>`),
 *   immutable like every record (routing-acl.ts): only the operator replaces it. If a record
 *   exists, the route in force is returned and nothing is written.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { Logger } from '../../../core/src/logging/logger';
import { countByMode, type QueueRoute, type RouteSource, type RoutingStatus } from '../../../core/src/routing/queue-route';
import { systemClock, type Clock } from '../../../core/src/util/clock';
import { renderUntrusted } from '../../../core/src/util/render-untrusted';
import { DigestCredential } from '../../../core/src/zookeeper/zk-acl';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';
import { runDetached } from '../../../core/src/util/run-detached';
import { PRESENCE_FORMAT, type GatewayPresence } from './gateway-presence';
import { PresencePublisher } from './gateway-presence-publisher';
import { recordFieldsOf, routeOfRecord } from './record-route';
import { recordAcl } from './routing-acl';
import { assertGatewayId, assertQueueName, RoutingPaths } from './routing-paths';
import { ROUTING_RECORD_FORMAT, parseRoutingRecord, serializeRoutingRecord, type RoutingRecord } from './routing-record';
import { readRoutingTable, RoutingTreeMissingError, type RawRecord, type RoutingTableSnapshot } from './routing-table-reader';
import { ZkLimitSource, type QueueLimitsListener } from './zk-limit-source';

export interface ZkRouteSourceOptions {
  /**
   * The process's session manager (shared with its other ZooKeeper users, started and closed by
   * its owner), or where to connect: then the source opens and owns its own manager, retrying
   * until ZooKeeper answers.
   */
  readonly zookeeper: { readonly sessions: ZkSessionManager } | { readonly connectString: string; readonly sessionTimeoutMs?: number };
  /** How this gateway names itself in `<root>/gateways` and in records it creates. */
  readonly gatewayId: string;
  readonly paths?: RoutingPaths;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Records read at once. Default 16. */
  readonly loadConcurrency?: number;
  /** How long `recordCreated` waits for a connected session. Default 5 s. */
  readonly writeTimeoutMs?: number;
  /** Published in the presence node. Default: the host name and this process's pid. */
  readonly host?: string;
  readonly pid?: number;
  /** Apply the queue limits in ZooKeeper too (docs/rate-limits.md): each snapshot goes to `listener`. */
  readonly limits?: { readonly listener: QueueLimitsListener; readonly maxRecords?: number };
}

const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
const RETRY_MS = 250;

/** The route source's own name in logs. */
const COMPONENT = 'zk-route-source';

interface TableState {
  /** Routes in force, by queue. */
  readonly routes: Map<string, QueueRoute>;
  /** Queues with a record this gateway never could use (refused, not guessed). */
  readonly unusable: Set<string>;
  /** Per queue, the version of its rejected record already logged and counted. */
  readonly rejected: Map<string, string>;
}

export class ZkRouteSource implements RouteSource {
  private readonly paths: RoutingPaths;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly identity: DigestCredential;
  private readonly startedAt: string;
  private table: TableState = { routes: new Map(), unusable: new Set(), rejected: new Map() };
  /** Bumped when a table read starts: tells which reads may have missed a record created here. */
  private readEpoch = 0;
  /**
   * Records this gateway created (recordCreated), with the read epoch at their creation: a read
   * that started before a creation may not contain it, and applying that read must not drop the
   * route (the queue would fall back to discovery until the next read). Forgotten once a read
   * that started after the creation is applied.
   */
  private readonly createdHere = new Map<string, { readonly route: QueueRoute; readonly epoch: number }>();
  private loaded = false;
  private appliedVersion = 0;
  private invalidRecords = 0;
  private treeMissing = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private starting: Promise<void> = Promise.resolve();
  private reading = false;
  private dirty = false;
  private idle: Promise<void> = Promise.resolve();
  /** Bumped on every connection change; the table is current only if a read completed since. */
  private generation = 0;
  private freshGeneration = -1;
  private authenticated: ZkClient | undefined;
  private readonly presenceNode: PresencePublisher;
  /** Presence writes, one at a time (the table's reads and the limits' applies both publish). */
  private presenceChain: Promise<void> = Promise.resolve();
  private limitSource: ZkLimitSource | undefined;
  private offChange: () => void = () => undefined;
  private readonly watcher = (): void => this.schedule();

  private constructor(
    private readonly options: ZkRouteSourceOptions,
    private readonly sessions: ZkSessionManager,
    private readonly ownsSessions: boolean,
  ) {
    this.paths = options.paths ?? new RoutingPaths();
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ component: COMPONENT, gatewayId: options.gatewayId });
    this.identity = DigestCredential.parse(`pinlater-gateway:${randomBytes(24).toString('base64url')}`);
    this.startedAt = new Date(this.clock.nowMs()).toISOString();
    this.presenceNode = new PresencePublisher(this.paths.gateway(options.gatewayId), this.identity, this.logger);
  }

  /**
   * Starts reading the table in the background and returns at once: while ZooKeeper is
   * unreachable the source is not loaded (see `status()`), and it loads as soon as it answers.
   */
  static start(options: ZkRouteSourceOptions): ZkRouteSource {
    assertGatewayId(options.gatewayId);
    const clock = options.clock ?? systemClock;
    const zk = options.zookeeper;
    const owned = 'connectString' in zk;
    const sessions = owned
      ? ZkSessionManager.forConnectString(
          { connectString: zk.connectString, sessionTimeoutMs: zk.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS },
          { name: `routing ${options.gatewayId}`, clock, logger: options.logger, startTimeoutMs: zk.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS },
        )
      : zk.sessions;
    const source = new ZkRouteSource(options, sessions, owned);
    source.offChange = sessions.onChange(() => source.onConnectionChange());
    source.startLimits();
    if (owned) source.starting = source.startOwnedSessions();
    else if (sessions.isConnected()) source.onConnectionChange();
    return source;
  }

  routeOf(queue: string): QueueRoute | undefined {
    if (!this.loaded) throw this.notLoadedError();
    const route = this.table.routes.get(queue);
    if (route !== undefined || !this.table.unusable.has(queue)) return route;
    throw new PinLaterError(
      ErrorCode.NO_HEALTHY_SHARDS,
      `Routing record of queue ${renderUntrusted(queue)} is not usable by this gateway (see its error log); refused until an operator fixes it`,
    );
  }

  async recordCreated(queue: string, route: QueueRoute): Promise<QueueRoute> {
    const existing = this.routeOf(queue);
    if (existing !== undefined) return existing;
    assertQueueName(queue);
    const inForce = await this.sessions.withSession((zk) => this.createRecord(zk, queue, route), this.options.writeTimeoutMs ?? 5000);
    this.table.routes.set(queue, inForce);
    this.createdHere.set(queue, { route: inForce, epoch: this.readEpoch });
    return inForce;
  }

  status(): RoutingStatus {
    const connected = this.sessions.isConnected();
    const degraded = !connected || this.freshGeneration !== this.generation;
    const detail = this.detail(connected, degraded);
    return {
      loaded: this.loaded, degraded, appliedVersion: this.appliedVersion, invalidRecords: this.invalidRecords, ...(detail ? { detail } : {}),
      queuesByMode: countByMode(this.table.routes.values()), sessionConnected: connected,
    };
  }

  /** Stops watching; ends the owned session (the presence node goes with it) or deletes the presence node. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // ---- sessions ---------------------------------------------------------------------------------

  private async startOwnedSessions(): Promise<void> {
    for (let attempt = 1; !this.closed; attempt += 1) {
      try {
        await this.sessions.start();
        return;
      } catch (e) {
        if (this.closed) return;
        this.logger.warn({ err: coerceError(e), attempt }, 'routing table not loaded: ZooKeeper unreachable; nothing routed is served until it is read');
      }
    }
  }

  private onConnectionChange(): void {
    this.generation += 1;
    if (this.sessions.isConnected()) this.schedule();
    else if (this.loaded) this.logger.warn({ zookeeper: this.sessions.state(), appliedVersion: this.appliedVersion }, 'routing table may be stale (ZooKeeper connection lost): serving the last one applied');
  }

  // ---- reading ----------------------------------------------------------------------------------

  private schedule(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.reading) return;
    this.reading = true;
    this.idle = this.loop().finally(() => {
      this.reading = false;
    });
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.closed) {
      const zk = this.sessions.client();
      if (!zk || !this.sessions.isConnected()) return; // the reconnection (or next session) schedules a read
      const generation = this.generation;
      this.dirty = false;
      try {
        await this.readAndPublish(zk);
        if (generation === this.generation && this.sessions.client() === zk) this.freshGeneration = generation;
      } catch (e) {
        this.dirty = true;
        this.logger.warn({ err: coerceError(e) }, 'routing table read failed; retrying');
        if (!this.sessions.isConnected()) return;
        await sleep(RETRY_MS);
      }
    }
  }

  private async readAndPublish(zk: ZkClient): Promise<void> {
    if (this.authenticated !== zk) {
      await zk.addAuth('digest', this.identity.authText());
      this.authenticated = zk;
    }
    const epoch = ++this.readEpoch;
    let snapshot: RoutingTableSnapshot;
    try {
      snapshot = await readRoutingTable(zk, this.paths, { concurrency: this.options.loadConcurrency ?? 16, watcher: this.watcher });
    } catch (e) {
      if (!(e instanceof RoutingTreeMissingError)) throw e;
      if (!this.treeMissing) this.logger.error({ root: this.paths.root }, `${e.message}; nothing routed is served until it exists`);
      this.treeMissing = true; // its creation fires the watch readRoutingTable left on it
      return;
    }
    this.treeMissing = false;
    await this.limitSource?.whenLoaded();
    if (this.closed) return;
    this.apply(snapshot, epoch);
    await this.publishPresence(zk);
  }

  // ---- queue limits -----------------------------------------------------------------------------

  private startLimits(): void {
    const limits = this.options.limits;
    if (limits === undefined) return;
    this.limitSource = new ZkLimitSource({
      sessions: this.sessions, paths: this.paths, gatewayId: this.options.gatewayId, logger: this.options.logger, listener: limits.listener,
      onApplied: () => this.limitsApplied(), ...(limits.maxRecords === undefined ? {} : { maxRecords: limits.maxRecords }),
    });
  }

  /** A new limits version: the presence says so (once the table is loaded on this session). */
  private limitsApplied(): void {
    const zk = this.sessions.client();
    if (this.closed || !this.loaded || zk === undefined || this.authenticated !== zk) return;
    runDetached('presence update after queue limits applied', this.publishPresence(zk).catch((err: unknown) => {
      this.logger.warn({ err: coerceError(err) }, 'presence not updated with the queue limits version; re-reading');
      this.schedule();
    }), this.logger);
  }

  private publishPresence(zk: ZkClient): Promise<void> {
    const next = this.presenceChain.then(() => this.presenceNode.publish(zk, this.presence()));
    this.presenceChain = next.catch(() => undefined);
    return next;
  }

  private apply(snapshot: RoutingTableSnapshot, epoch: number): void {
    const next: TableState = { routes: new Map(), unusable: new Set(), rejected: new Map() };
    for (const raw of snapshot.records) this.applyRecord(raw, next);
    for (const name of snapshot.strayNames) this.reject(next, name, 'stray', 'not a queue name');
    this.keepRecordsCreatedDuringRead(next, epoch);
    this.table = next;
    const first = !this.loaded;
    const changed = first || snapshot.tableVersion !== this.appliedVersion;
    this.loaded = true;
    this.appliedVersion = snapshot.tableVersion;
    if (changed) this.logger.info({ tableVersion: snapshot.tableVersion, queues: next.routes.size, first }, first ? 'routing table loaded' : 'routing table version applied');
  }

  /** Routes this gateway created while the read `epoch` was in flight stay; older ones the read has. */
  private keepRecordsCreatedDuringRead(next: TableState, epoch: number): void {
    for (const [queue, created] of this.createdHere) {
      if (created.epoch < epoch) this.createdHere.delete(queue);
      else if (!next.routes.has(queue) && !next.unusable.has(queue)) next.routes.set(queue, created.route);
    }
  }

  private applyRecord(raw: RawRecord, next: TableState): void {
    const key = `${raw.znodeVersion}@${raw.mtimeMs}`;
    let record: RoutingRecord;
    try {
      record = parseRoutingRecord(raw.queue, raw.data);
    } catch (e) {
      this.reject(next, raw.queue, key, coerceError(e).message);
      return;
    }
    const route = routeOfRecord(record);
    if (route === undefined) this.reject(next, raw.queue, key, `mode ${record.mode} is not served by this gateway yet`);
    else next.routes.set(raw.queue, route);
  }

  /** Keeps the queue's previous route (or refuses the queue); logs and counts each bad version once. */
  private reject(next: TableState, queue: string, key: string, why: string): void {
    const previous = this.table.routes.get(queue);
    if (previous !== undefined) next.routes.set(queue, previous);
    else next.unusable.add(queue);
    next.rejected.set(queue, key);
    if (this.table.rejected.get(queue) === key) return;
    this.invalidRecords += 1;
    this.logger.error({ queue: renderUntrusted(queue), why, keeping: previous ?? 'nothing: the queue is refused' }, 'routing record ignored');
  }

  // ---- writing ----------------------------------------------------------------------------------

  private presence(): GatewayPresence {
    return {
      format: PRESENCE_FORMAT,
      gatewayId: this.options.gatewayId,
      host: this.options.host ?? hostname(),
      pid: this.options.pid ?? process.pid,
      startedAt: this.startedAt,
      appliedVersion: this.appliedVersion,
      loaded: this.loaded,
      ...(this.limitSource?.appliedVersion() === undefined ? {} : { limitsVersion: this.limitSource.appliedVersion() }),
      updatedAt: new Date(this.clock.nowMs()).toISOString(),
    };
  }

  private async createRecord(zk: ZkClient, queue: string, route: QueueRoute): Promise<QueueRoute> {
    const path = this.paths.queue(queue);
    const record: RoutingRecord = {
      format: ROUTING_RECORD_FORMAT,
      queue,
      ...recordFieldsOf(route),
      version: 1,
      changedAt: new Date(this.clock.nowMs()).toISOString(),
      changedBy: `gateway:${this.options.gatewayId}`,
      reason: 'createQueue of a queue without a routing record',
    };
    try {
      await zk.create(path, serializeRoutingRecord(record), 'persistent', recordAcl());
      this.logger.info({ queue, route }, 'routing record created for a new queue');
      return route;
    } catch (e) {
      if (!ZkError.is(e, ZkCode.NODE_EXISTS)) throw e;
    }
    return this.routeInForce(zk, queue);
  }

  /** The route of the record someone else created first. */
  private async routeInForce(zk: ZkClient, queue: string): Promise<QueueRoute> {
    const { data } = await zk.get(this.paths.queue(queue));
    const route = routeOfRecord(parseRoutingRecord(queue, data));
    if (route !== undefined) return route;
    throw new PinLaterError(ErrorCode.NO_HEALTHY_SHARDS, `Routing record of queue ${renderUntrusted(queue)} has a mode this gateway does not serve`);
  }

  // ---- status and shutdown ------------------------------------------------------------------------

  private notLoadedError(): PinLaterError {
    const why = this.treeMissing ? `routing table ${this.paths.root} does not exist in ZooKeeper` : `ZooKeeper ${this.sessions.state()}`;
    return new PinLaterError(ErrorCode.NO_HEALTHY_SHARDS, `Routing table not read yet (${why}): nothing routed is served until it is`);
  }

  private detail(connected: boolean, degraded: boolean): string | undefined {
    const state = `ZooKeeper ${this.sessions.state()} for ${this.sessions.stateAgeMs()} ms`;
    if (!this.loaded) return this.treeMissing ? `routing table ${this.paths.root} does not exist; nothing routed is served` : `routing table not read yet (${state}); nothing routed is served`;
    if (!connected) return `${state}: serving routing table version ${this.appliedVersion} as last read`;
    if (degraded) return `re-reading the routing table after a connection change (serving version ${this.appliedVersion})`;
    return undefined;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.offChange();
    await this.limitSource?.close();
    if (this.ownsSessions) await this.sessions.close(); // also stops a start still retrying
    await this.starting;
    await this.idle;
    await this.presenceChain;
    if (!this.ownsSessions) await this.unpublish();
  }

  /** On a shared session the presence node would outlive this source: delete it (best effort). */
  private async unpublish(): Promise<void> {
    const zk = this.sessions.client();
    if (!zk) return;
    try {
      await this.presenceNode.remove(zk);
    } catch (e) {
      this.logger.warn({ err: coerceError(e) }, 'gateway presence node not deleted (it goes with the session)');
    }
  }
}
