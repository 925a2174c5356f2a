/**
 * The controller's ReadClusterData stage at fleet scale (Helix's ClusterDataCache with selective
 * updates): the cluster's records kept in memory and refreshed node by node from ZooKeeper
 * watches, so a pipeline run reads only what changed since the last one. The first snapshot of a
 * session reads everything (as does the one after `invalidate()`); after that, a watch event on a
 * node queues a re-read of that node only (with the watch set again), and own writes (ideal
 * states, external views, messages, offline times) are written into the cache by the pipeline.
 *
 * Each snapshot also says what changed since the previous one (`ClusterChanges`): `all` when the
 * instances, their configs, liveness or the cluster settings changed (every resource is affected),
 * else the resources whose ideal state, current states or messages changed, which lets the
 * pipeline's stages work on those alone.
 *
 * Ordering rule kept from the whole-cluster read: a participant reports a transition and deletes
 * its message in ONE multi. A message seen gone here is therefore followed by a re-read of that
 * instance's current state for the message's resource (after the children read), so the cache
 * never holds "message gone, state not yet updated", which would make the pipeline send the
 * transition again.
 */
import { clusterSettings } from './helix-records';
import { readTransition, type TransitionMessage } from './helix-message';
import type { HelixPaths } from './helix-paths';
import { childrenOrEmpty, readRecord, type VersionedRecord } from './record-store';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import type { ClusterChanges, ClusterSnapshot, InstanceSnapshot, PartitionCurrentState } from './cluster-data';
import type { ZNRecord } from './zn-record';
import { NodeRefreshQueue } from './node-refresh-queue';
import { mapBounded } from '../../../core/src/util/map-bounded';

/** Reads a whole-cluster load keeps outstanding at once (thousands of nodes at fleet scale). */
const LOAD_READS_IN_FLIGHT = 32;

type CurrentStates = Record<string, Record<string, PartitionCurrentState>>;

interface InstanceEntry {
  config?: ZNRecord;
  sessionId?: string;
  /** ParticipantHistory, read while the instance is not live. */
  offlineSinceMs?: number;
  justWentOffline?: boolean;
  messages: Map<string, TransitionMessage>;
  currentStates: CurrentStates;
}

/** ZooKeeper reads the cache made (full loads and node refreshes), for the controller's counters. */
export interface ClusterCacheCounters {
  readonly fullLoads: number;
  readonly nodeRefreshes: number;
}

export class ClusterDataCache {
  private loaded = false;
  private readonly refreshes: NodeRefreshQueue<() => Promise<void>>;
  private settingsRecord: ZNRecord | undefined;
  private paused = false;
  private readonly idealStates = new Map<string, VersionedRecord>();
  private readonly externalViews = new Map<string, ZNRecord>();
  private configured = new Set<string>();
  private live = new Set<string>();
  private readonly instances = new Map<string, InstanceEntry>();
  private changedAll = true;
  private changed = new Set<string>();
  private changedIdealStates = new Set<string>();
  private fullLoads = 0;
  private nodeRefreshes = 0;

  /** `onChange` is told (synchronously, from the watch) that a node changed: run the pipeline. */
  constructor(
    private readonly zk: ZkClient,
    private readonly paths: HelixPaths,
    onChange: () => void,
  ) {
    this.refreshes = new NodeRefreshQueue(onChange);
  }

  /** The cluster as of now: the whole cluster on the first call (or after `invalidate`), else the cache with every queued node re-read. */
  async snapshot(): Promise<ClusterSnapshot> {
    if (!this.loaded) await this.loadAll();
    else await this.refreshPending();
    const changes: ClusterChanges = { all: this.changedAll, resources: this.changed, idealStates: this.changedIdealStates };
    this.changedAll = false;
    this.changed = new Set();
    this.changedIdealStates = new Set();
    return { settings: clusterSettings(this.settingsRecord), paused: this.paused, idealStates: this.idealStates, externalViews: this.externalViews, instances: this.buildInstances(), changes };
  }

  /** The next snapshot reads the whole cluster again (a failed run, a new leadership term, the safety net). */
  invalidate(): void {
    this.loaded = false;
  }

  counters(): ClusterCacheCounters {
    return { fullLoads: this.fullLoads, nodeRefreshes: this.nodeRefreshes };
  }

  // ---- own writes, recorded by the pipeline ----

  wroteIdealState(resource: string, record: ZNRecord, version: number): void {
    const before = this.idealStates.get(resource);
    this.idealStates.set(resource, { record, version, ephemeralOwner: before?.ephemeralOwner ?? '0000000000000000' });
  }

  wroteExternalView(resource: string, record: ZNRecord | undefined): void {
    if (record) this.externalViews.set(resource, record);
    else this.externalViews.delete(resource);
  }

  sentMessages(instance: string, messages: readonly TransitionMessage[]): void {
    const entry = this.instances.get(instance);
    if (!entry) return;
    for (const m of messages) entry.messages.set(m.id, m);
  }

  deletedMessage(instance: string, id: string): void {
    this.instances.get(instance)?.messages.delete(id);
  }

  recordedOffline(instance: string, atMs: number): void {
    const entry = this.instances.get(instance);
    if (!entry || entry.sessionId !== undefined) return;
    entry.offlineSinceMs = atMs;
    entry.justWentOffline = false;
  }

  // ---- loading ----

  private async loadAll(): Promise<void> {
    this.refreshes.reset(); // events from here on are queued again and applied by the next snapshot
    this.fullLoads++;
    this.idealStates.clear();
    this.externalViews.clear();
    this.instances.clear();
    await this.loadSettings();
    await this.loadPaused();
    await this.loadIdealStateList();
    await mapBounded((await childrenOrEmpty(this.zk, this.paths.externalViews())).sort(), LOAD_READS_IN_FLIGHT, async (r) => {
      const found = await readRecord(this.zk, this.paths.externalView(r));
      if (found) this.externalViews.set(r, found.record);
    });
    await this.loadInstanceLists();
    this.loaded = true;
    this.changedAll = true;
  }

  private async refreshPending(): Promise<void> {
    while (this.refreshes.size > 0) {
      const tasks = this.refreshes.take();
      this.nodeRefreshes += tasks.length;
      await mapBounded(tasks, LOAD_READS_IN_FLIGHT, (task) => task());
    }
  }

  /** A record with a data watch; when absent, an exists watch, so its creation is seen too. */
  private async readWatched(path: string, task: () => Promise<void>): Promise<VersionedRecord | undefined> {
    const w = this.refreshes.watch('data', path, task);
    const found = await readRecord(this.zk, path, w);
    if (found || (await this.zk.exists(path, w)) === null) return found;
    return readRecord(this.zk, path, w);
  }

  private async loadSettings(): Promise<void> {
    this.settingsRecord = (await this.readWatched(this.paths.clusterConfig(), () => this.settingsChanged()))?.record;
  }

  private async settingsChanged(): Promise<void> {
    await this.loadSettings();
    this.changedAll = true;
  }

  private async loadPaused(): Promise<void> {
    const path = this.paths.controllerPause();
    this.paused = (await this.zk.exists(path, this.refreshes.watch('data', path, () => this.pausedChanged()))) !== null;
  }

  private async pausedChanged(): Promise<void> {
    await this.loadPaused();
    this.changedAll = true;
  }

  private async loadIdealStateList(): Promise<void> {
    const parent = this.paths.idealStates();
    const names = new Set(await childrenOrEmpty(this.zk, parent, this.refreshes.watch('children', parent, () => this.loadIdealStateList())));
    for (const r of [...this.idealStates.keys()]) {
      if (names.has(r)) continue;
      this.idealStates.delete(r);
      this.changed.add(r);
      this.changedIdealStates.add(r);
    }
    const added = [...names].filter((r) => !this.idealStates.has(r)).sort();
    await mapBounded(added, LOAD_READS_IN_FLIGHT, (r) => this.loadIdealState(r));
  }

  private async loadIdealState(resource: string): Promise<void> {
    const path = this.paths.idealState(resource);
    const w = this.refreshes.watch('data', path, () => this.loadIdealState(resource));
    const cached = this.idealStates.get(resource);
    if (cached) {
      // Most events of an ideal state are the echo of the controller's own write (its version is
      // cached): then setting the watch again is all there is to do.
      const stat = await this.zk.exists(path, w);
      if (stat?.version === cached.version) return;
    }
    const found = await readRecord(this.zk, path, w);
    if (found) this.idealStates.set(resource, found);
    else this.idealStates.delete(resource);
    this.changed.add(resource);
    this.changedIdealStates.add(resource);
  }

  private async loadInstanceLists(): Promise<void> {
    const configs = this.paths.participantConfigs();
    const lives = this.paths.liveInstances();
    this.configured = new Set(await childrenOrEmpty(this.zk, configs, this.refreshes.watch('children', configs, () => this.instanceListsChanged())));
    const live = new Set(await childrenOrEmpty(this.zk, lives, this.refreshes.watch('children', lives, () => this.instanceListsChanged())));
    const before = this.live;
    this.live = live;
    const names = new Set([...this.configured, ...live]);
    for (const name of [...this.instances.keys()]) if (!names.has(name)) this.instances.delete(name);
    for (const name of names) {
      if (!this.instances.has(name) || before.has(name) !== live.has(name)) await this.loadInstance(name);
    }
  }

  private async instanceListsChanged(): Promise<void> {
    await this.loadInstanceLists();
    this.changedAll = true;
  }

  /** Everything of one instance: config, live node (session), then messages BEFORE current states (module comment). */
  private async loadInstance(name: string): Promise<void> {
    this.changedAll = true;
    const config = (await this.readWatched(this.paths.instanceConfig(name), () => this.loadInstance(name)))?.record;
    const liveNode = this.live.has(name) ? await this.readWatched(this.paths.liveInstance(name), () => this.loadInstance(name)) : undefined;
    const sessionId = liveNode?.record.simpleFields.SESSION_ID ?? liveNode?.ephemeralOwner;
    const entry: InstanceEntry = { ...(config ? { config } : {}), messages: new Map(), currentStates: {} };
    this.instances.set(name, entry);
    if (!sessionId) {
      const history = await readRecord(this.zk, this.paths.instanceHistory(name));
      const offline = Number(history?.record.simpleFields.LAST_OFFLINE_TIME ?? 0);
      if (offline > 0) entry.offlineSinceMs = offline;
      else if (offline === -1) entry.justWentOffline = true;
      return;
    }
    entry.sessionId = sessionId;
    await this.loadMessages(name);
    await this.loadCurrentStateList(name, sessionId);
  }

  private async loadMessages(name: string): Promise<void> {
    const entry = this.instances.get(name);
    if (entry?.sessionId === undefined) return;
    const parent = this.paths.messages(name);
    const ids = new Set(await childrenOrEmpty(this.zk, parent, this.refreshes.watch('children', parent, () => this.loadMessages(name))));
    const done = new Set<string>();
    for (const [id, m] of entry.messages) {
      if (ids.has(id)) continue;
      entry.messages.delete(id);
      done.add(m.resource);
    }
    await mapBounded([...ids].filter((id) => !entry.messages.has(id)), LOAD_READS_IN_FLIGHT, async (id) => {
      const found = await readRecord(this.zk, this.paths.message(name, id));
      if (!found) return;
      const message = readTransition(found.record);
      entry.messages.set(id, message);
      this.changed.add(message.resource);
    });
    const session = entry.sessionId;
    await mapBounded([...done], LOAD_READS_IN_FLIGHT, (resource) => this.loadCurrentState(name, session, resource));
  }

  private async loadCurrentStateList(name: string, session: string): Promise<void> {
    const entry = this.instances.get(name);
    if (entry?.sessionId !== session) return;
    const folder = this.paths.sessionCurrentStates(name, session);
    const w = this.refreshes.watch('children', folder, () => this.loadCurrentStateList(name, session));
    // Watch for the session folder's creation as well as its children.
    const resources = (await this.zk.exists(folder, w)) ? new Set(await childrenOrEmpty(this.zk, folder, w)) : new Set<string>();
    for (const r of Object.keys(entry.currentStates)) {
      if (resources.has(r)) continue;
      delete entry.currentStates[r];
      this.changed.add(r);
    }
    const added = [...resources].filter((r) => !(r in entry.currentStates));
    await mapBounded(added, LOAD_READS_IN_FLIGHT, (r) => this.loadCurrentState(name, session, r));
  }

  private async loadCurrentState(name: string, session: string, resource: string): Promise<void> {
    const entry = this.instances.get(name);
    if (entry?.sessionId !== session) return;
    const path = this.paths.currentState(name, session, resource);
    // This read is newer than any queued event of the node: a queued re-read of it is redundant.
    this.refreshes.drop('data', path);
    const found = await readRecord(this.zk, path, this.refreshes.watch('data', path, () => this.loadCurrentState(name, session, resource)));
    this.changed.add(resource);
    if (!found) {
      delete entry.currentStates[resource];
      return;
    }
    const partitions: Record<string, PartitionCurrentState> = {};
    for (const [partition, fields] of Object.entries(found.record.mapFields)) {
      if (fields.CURRENT_STATE) partitions[partition] = { state: fields.CURRENT_STATE, endTimeMs: Number(fields.END_TIME ?? 0) };
    }
    entry.currentStates[resource] = partitions;
  }

  private buildInstances(): Map<string, InstanceSnapshot> {
    const out = new Map<string, InstanceSnapshot>();
    for (const [name, e] of this.instances) {
      const base = { name, ...(e.config ? { config: e.config } : {}) };
      if (e.sessionId === undefined) {
        const when = e.offlineSinceMs !== undefined ? { offlineSinceMs: e.offlineSinceMs } : e.justWentOffline ? { justWentOffline: true } : {};
        out.set(name, { ...base, ...when, currentStates: {}, pendingMessages: [], staleMessageIds: [] });
        continue;
      }
      const pending: TransitionMessage[] = [];
      const stale: string[] = [];
      for (const [id, m] of e.messages) {
        if (m.tgtSessionId === e.sessionId || m.tgtSessionId === '*') pending.push(m);
        else stale.push(id);
      }
      out.set(name, { ...base, sessionId: e.sessionId, currentStates: e.currentStates, pendingMessages: pending, staleMessageIds: stale });
    }
    return out;
  }
}
