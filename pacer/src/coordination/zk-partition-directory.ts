/**
 * `PartitionDirectory` from the cluster's EXTERNALVIEW (Helix's RoutingTableProvider idea): a
 * partition's broker is the live instance holding it ONLINE; its endpoint is HELIX_HOST /
 * HELIX_PORT of its InstanceConfig. Everything is served from memory; watches on EXTERNALVIEW,
 * LIVEINSTANCES and the owners' InstanceConfigs refresh it (coalesced) and notify listeners.
 * A partition that is ONLINE on an instance that is no longer live is reported as unowned.
 *
 * It follows the process's `ZkSessionManager`: the table is read again, in full, on every new
 * session (CONNECTED) and every reconnection (RECONNECTED); while the connection is SUSPENDED or
 * the session LOST, the last table keeps routing (brokers refuse partitions they no longer own,
 * and the router then asks for a `refresh()`), and `status()` says the view is not fresh.
 *
 * Between full reads a change costs what it touches (issue 15: every gateway of a fleet watches
 * thousands of external views): a watch event queues a re-read of that one node (an external
 * view, the list of views or live instances, an owner's config), with the watch set again. A
 * refresh first reads the live-instance list (one read, which also orders it after every change
 * ZooKeeper had applied when it answered: their watch events arrive before that answer), then the
 * queued nodes, then rebuilds the table from memory.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { BrokerEndpoint, PartitionDirectory } from '../interfaces/partition-directory';
import { onlineOwners } from './external-view';
import { instanceEndpoint } from './helix-records';
import { HelixPaths, parsePartitionName, partitionName } from './helix-paths';
import { childrenOrEmpty, readRecord } from './record-store';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import { NodeRefreshQueue } from './node-refresh-queue';
import { mapBounded } from '../../../core/src/util/map-bounded';
import type { ZkConnectionState } from '../../../core/src/zookeeper/zk-connection-state';
import type { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';

export interface ZkPartitionDirectoryOptions {
  readonly sessions: ZkSessionManager;
  readonly cluster: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface DirectoryStatus {
  readonly zookeeper: ZkConnectionState | 'STARTING' | 'CLOSED';
  /** How long the ZooKeeper connection has been in that state. */
  readonly zookeeperStateForMs: number;
  /** The table was read in full on the current connection and every watch since is applied. */
  readonly fresh: boolean;
  /** When the last full read completed (epoch ms; 0 = never). */
  readonly lastReadMs: number;
  /** How long the view has not been fresh (0 while it is): since the connection changed, not since the last read. */
  readonly staleForMs: number;
}

/** Reads are at most this frequent, however many callers ask for a refresh. */
const MIN_READ_INTERVAL_MS = 100;
const RETRY_MS = 200;
/** Reads a full read keeps outstanding at once. */
const READS_IN_FLIGHT = 32;

/** One external view as routing needs it: NUM_PARTITIONS and each valid partition's ONLINE holders. */
interface ViewRoutes {
  readonly count: number;
  readonly owners: ReadonlyArray<readonly [string, readonly string[]]>;
}

interface Waiter {
  readonly sinceMs: number;
  readonly resolve: () => void;
}

export class ZkPartitionDirectory implements PartitionDirectory {
  private readonly paths: HelixPaths;
  private routes = new Map<string, BrokerEndpoint>();
  private counts = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private refreshing = false;
  private dirty = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  /** Bumped on every connection change; a read counts as fresh only if none happened during it. */
  private generation = 0;
  private freshGeneration = -1;
  private lastReadMs = 0;
  private lastReadStartMs = 0;
  /** When the view stopped being fresh (0 while it is). */
  private staleSinceMs = 0;
  private waiters: Waiter[] = [];
  private offConnection: () => void = () => undefined;
  /** What was read, per node, and on which session (a full read is needed when that changes). */
  private loadedOn: ZkClient | undefined;
  private loadedGeneration = -1;
  private live = new Set<string>();
  private readonly views = new Map<string, ViewRoutes>();
  private readonly endpoints = new Map<string, BrokerEndpoint | undefined>();
  /** Nodes whose watch fired: re-read at the next refresh. */
  private readonly refreshes = new NodeRefreshQueue<(zk: ZkClient) => Promise<void>>(() => this.schedule());

  private constructor(private readonly options: ZkPartitionDirectoryOptions) {
    this.paths = new HelixPaths(options.cluster);
  }

  /** Builds the directory and waits for its first full read (on the manager's current session). */
  static async open(options: ZkPartitionDirectoryOptions): Promise<ZkPartitionDirectory> {
    const directory = new ZkPartitionDirectory(options);
    directory.offConnection = options.sessions.onChange(() => directory.onConnectionChange());
    const zk = options.sessions.client();
    if (!zk) throw new Error('partition directory: the ZooKeeper session manager has no session (start it first)');
    await directory.read(zk);
    return directory;
  }

  brokerFor(queue: string, partition: number): BrokerEndpoint | undefined {
    return this.routes.get(partitionName(queue, partition));
  }

  /** NUM_PARTITIONS of the queue's external view (0 when unknown). */
  partitionCount(queue: string): number {
    return this.counts.get(queue) ?? 0;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves once a full read that STARTED at or after `sinceMs` has completed (at once if one
   * already has, or if ZooKeeper is not connected: nothing newer can be read now). Never
   * rejects; callers bound the wait.
   */
  refresh(sinceMs = this.options.clock.nowMs()): Promise<void> {
    if (!this.options.sessions.isConnected()) return Promise.resolve();
    if (this.lastReadStartMs >= sinceMs && this.lastReadMs >= this.lastReadStartMs) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ sinceMs, resolve });
      this.schedule();
    });
  }

  status(): DirectoryStatus {
    const { sessions, clock } = this.options;
    const fresh = sessions.isConnected() && this.freshGeneration === this.generation;
    if (!fresh && this.staleSinceMs === 0) this.staleSinceMs = clock.nowMs();
    return {
      zookeeper: sessions.state(),
      zookeeperStateForMs: sessions.stateAgeMs(),
      fresh,
      lastReadMs: this.lastReadMs,
      staleForMs: fresh ? 0 : clock.nowMs() - this.staleSinceMs,
    };
  }

  /** Stops watching; the session manager belongs to the caller. */
  async close(): Promise<void> {
    this.closed = true;
    this.offConnection();
    this.listeners.clear();
    for (const w of this.waiters.splice(0)) w.resolve();
    await this.idle;
  }

  private onConnectionChange(): void {
    this.generation += 1;
    if (this.staleSinceMs === 0) this.staleSinceMs = this.options.clock.nowMs();
    if (this.options.sessions.isConnected()) this.schedule(); // a new session or a reconnection: read it all again
    else for (const w of this.waiters.splice(0)) w.resolve(); // nothing newer can be read until then
  }

  private schedule(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.refreshing) return;
    this.refreshing = true;
    this.idle = this.loop().finally(() => {
      this.refreshing = false;
    });
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.closed) {
      const zk = this.options.sessions.client();
      if (!zk) return; // LOST: the next CONNECTED schedules a read
      const wait = this.lastReadStartMs + MIN_READ_INTERVAL_MS - this.options.clock.nowMs();
      if (wait > 0) await sleep(wait);
      this.dirty = false;
      try {
        await this.read(zk);
      } catch (e) {
        this.options.logger.warn({ err: coerceError(e) }, 'partition directory refresh failed; retrying');
        this.dirty = true;
        if (!this.options.sessions.isConnected()) return; // the reconnection (or next session) schedules a read
        await sleep(RETRY_MS);
      }
    }
  }

  private async read(zk: ZkClient): Promise<void> {
    const startMs = this.options.clock.nowMs();
    const generation = this.generation;
    this.lastReadStartMs = startMs;
    if (this.loadedOn !== zk || this.loadedGeneration !== generation) await this.readAll(zk, generation);
    else await this.readChanged(zk);
    this.rebuild();
    this.lastReadMs = this.options.clock.nowMs();
    if (generation === this.generation && this.options.sessions.client() === zk) {
      this.freshGeneration = generation;
      if (this.options.sessions.isConnected()) this.staleSinceMs = 0;
    }
    this.releaseWaiters(startMs);
    if (!this.closed) for (const listener of [...this.listeners]) listener();
  }

  /** Everything again: the first read of a session or connection. */
  private async readAll(zk: ZkClient, generation: number): Promise<void> {
    this.loadedOn = undefined;
    this.refreshes.reset();
    this.views.clear();
    this.endpoints.clear();
    await this.readLive(zk);
    await this.readViewList(zk);
    await this.readMissingEndpoints(zk);
    this.loadedOn = zk;
    this.loadedGeneration = generation;
  }

  /** The live list (the ordering read), then every node whose watch fired, until none is left. */
  private async readChanged(zk: ZkClient): Promise<void> {
    await this.readLive(zk);
    while (this.refreshes.size > 0) for (const task of this.refreshes.take()) await task(zk);
    await this.readMissingEndpoints(zk);
  }

  private async readLive(zk: ZkClient): Promise<void> {
    const path = this.paths.liveInstances();
    this.live = new Set(await childrenOrEmpty(zk, path, this.refreshes.watch('children', path, (z) => this.readLive(z))));
  }

  private async readViewList(zk: ZkClient): Promise<void> {
    const path = this.paths.externalViews();
    const names = new Set(await childrenOrEmpty(zk, path, this.refreshes.watch('children', path, (z) => this.readViewList(z))));
    for (const r of [...this.views.keys()]) if (!names.has(r)) this.views.delete(r);
    await mapBounded([...names].filter((r) => !this.views.has(r)), READS_IN_FLIGHT, (r) => this.readView(zk, r));
  }

  private async readView(zk: ZkClient, resource: string): Promise<void> {
    const path = this.paths.externalView(resource);
    const ev = await readRecord(zk, path, this.refreshes.watch('data', path, (z) => this.readView(z, resource)));
    if (!ev) {
      this.views.delete(resource);
      return;
    }
    const owners = [...onlineOwners(ev.record)].filter(([partition]) => parsePartitionName(partition) !== undefined);
    this.views.set(resource, { count: Number(ev.record.simpleFields.NUM_PARTITIONS ?? 0), owners });
  }

  /** Endpoints of instances holding a partition ONLINE whose config was not read yet. */
  private async readMissingEndpoints(zk: ZkClient): Promise<void> {
    const missing = new Set<string>();
    for (const view of this.views.values()) for (const [, owners] of view.owners) for (const o of owners) if (!this.endpoints.has(o)) missing.add(o);
    await mapBounded([...missing], READS_IN_FLIGHT, (instance) => this.readEndpoint(zk, instance));
  }

  private async readEndpoint(zk: ZkClient, instance: string): Promise<void> {
    const path = this.paths.instanceConfig(instance);
    const config = await readRecord(zk, path, this.refreshes.watch('data', path, (z) => this.readEndpoint(z, instance)));
    this.endpoints.set(instance, instanceEndpoint(config?.record));
  }

  /** The routing table from what was read: a partition routes to its one live ONLINE holder with an endpoint. */
  private rebuild(): void {
    const routes = new Map<string, BrokerEndpoint>();
    const counts = new Map<string, number>();
    for (const [resource, view] of this.views) {
      counts.set(resource, view.count);
      for (const [partition, owners] of view.owners) {
        const owner = owners.filter((o) => this.live.has(o));
        if (owner.length !== 1 || !owner[0]) continue;
        const endpoint = this.endpoints.get(owner[0]);
        if (endpoint) routes.set(partition, endpoint);
      }
    }
    this.routes = routes;
    this.counts = counts;
  }

  private releaseWaiters(startMs: number): void {
    const done = this.waiters.filter((w) => w.sinceMs <= startMs);
    this.waiters = this.waiters.filter((w) => w.sinceMs > startMs);
    for (const w of done) w.resolve();
  }
}
