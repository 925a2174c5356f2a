/**
 * The controller's ReadClusterData stage: one consistent-enough snapshot of configs, live
 * instances (with their sessions), the current states of each live session, pending messages and
 * ideal states. Reads set watches (the passed `watcher`) so any change re-runs the pipeline.
 */
import { clusterSettings, type ClusterSettings } from './helix-records';
import { readTransition, type TransitionMessage } from './helix-message';
import type { HelixPaths } from './helix-paths';
import { childrenOrEmpty, readRecord, type VersionedRecord } from './record-store';
import type { ZkClient, ZkWatcher } from '../../../core/src/zookeeper/zk-client';
import type { ZNRecord } from './zn-record';

export interface PartitionCurrentState {
  readonly state: string;
  readonly endTimeMs: number;
}

export interface InstanceSnapshot {
  readonly name: string;
  readonly config?: ZNRecord;
  /** Session of the LIVEINSTANCES node, when the instance is live. */
  readonly sessionId?: string;
  /** ParticipantHistory LAST_OFFLINE_TIME (undefined while live or not yet recorded). */
  readonly offlineSinceMs?: number;
  /** Not live, but its history says it was online (its offline time is still to be recorded). */
  readonly justWentOffline?: boolean;
  /** resource → partition → state, from CURRENTSTATES/<live session>. */
  readonly currentStates: Record<string, Record<string, PartitionCurrentState>>;
  /** Messages addressed to the live session. */
  readonly pendingMessages: TransitionMessage[];
  /** Ids of messages addressed to another session (to delete). */
  readonly staleMessageIds: string[];
}

export interface ClusterSnapshot {
  readonly settings: ClusterSettings;
  readonly paused: boolean;
  readonly idealStates: ReadonlyMap<string, VersionedRecord>;
  readonly externalViews: ReadonlyMap<string, ZNRecord>;
  readonly instances: ReadonlyMap<string, InstanceSnapshot>;
}

export async function readClusterSnapshot(zk: ZkClient, paths: HelixPaths, watcher: ZkWatcher): Promise<ClusterSnapshot> {
  const settings = clusterSettings((await readRecord(zk, paths.clusterConfig(), watcher))?.record);
  const paused = (await zk.exists(paths.controllerPause(), watcher)) !== null;
  const idealStates = await readAll(zk, paths.idealStates(), (r) => paths.idealState(r), watcher);
  const evs = await readAll(zk, paths.externalViews(), (r) => paths.externalView(r));
  const externalViews = new Map([...evs].map(([k, v]) => [k, v.record]));
  const configured = await childrenOrEmpty(zk, paths.participantConfigs(), watcher);
  const live = await childrenOrEmpty(zk, paths.liveInstances(), watcher);
  const instances = new Map<string, InstanceSnapshot>();
  for (const name of new Set([...configured, ...live])) {
    instances.set(name, await readInstance(zk, paths, name, watcher));
  }
  return { settings, paused, idealStates, externalViews, instances };
}

async function readAll(zk: ZkClient, parent: string, pathOf: (child: string) => string, watcher?: ZkWatcher): Promise<Map<string, VersionedRecord>> {
  const out = new Map<string, VersionedRecord>();
  for (const child of (await childrenOrEmpty(zk, parent, watcher)).sort()) {
    const found = await readRecord(zk, pathOf(child), watcher);
    if (found) out.set(child, found);
  }
  return out;
}

async function readInstance(zk: ZkClient, paths: HelixPaths, name: string, watcher: ZkWatcher): Promise<InstanceSnapshot> {
  const config = (await readRecord(zk, paths.instanceConfig(name), watcher))?.record;
  const liveNode = await readRecord(zk, paths.liveInstance(name), watcher);
  const sessionId = liveNode?.record.simpleFields.SESSION_ID ?? liveNode?.ephemeralOwner;
  const base = { name, ...(config ? { config } : {}) };
  if (!sessionId) {
    const history = await readRecord(zk, paths.instanceHistory(name));
    const offline = Number(history?.record.simpleFields.LAST_OFFLINE_TIME ?? 0);
    const when = offline > 0 ? { offlineSinceMs: offline } : offline === -1 ? { justWentOffline: true } : {};
    return { ...base, ...when, currentStates: {}, pendingMessages: [], staleMessageIds: [] };
  }
  // Messages BEFORE current states: a participant reports a transition and deletes its message
  // in one multi, so a message seen gone here guarantees the current state read next includes it.
  // The other order could miss both (the message already gone, the state not yet read).
  const { pending, stale } = await readMessages(zk, paths, name, sessionId, watcher);
  const currentStates = await readCurrentStates(zk, paths, name, sessionId, watcher);
  return { ...base, sessionId, currentStates, pendingMessages: pending, staleMessageIds: stale };
}

async function readCurrentStates(
  zk: ZkClient,
  paths: HelixPaths,
  name: string,
  session: string,
  watcher: ZkWatcher,
): Promise<Record<string, Record<string, PartitionCurrentState>>> {
  const out: Record<string, Record<string, PartitionCurrentState>> = {};
  const sessionPath = paths.sessionCurrentStates(name, session);
  // Watch for the session folder's creation as well as its children.
  if (!(await zk.exists(sessionPath, watcher))) return out;
  for (const resource of await childrenOrEmpty(zk, sessionPath, watcher)) {
    const found = await readRecord(zk, paths.currentState(name, session, resource), watcher);
    if (!found) continue;
    const partitions: Record<string, PartitionCurrentState> = {};
    for (const [partition, fields] of Object.entries(found.record.mapFields)) {
      if (fields.CURRENT_STATE) partitions[partition] = { state: fields.CURRENT_STATE, endTimeMs: Number(fields.END_TIME ?? 0) };
    }
    out[resource] = partitions;
  }
  return out;
}

async function readMessages(
  zk: ZkClient,
  paths: HelixPaths,
  name: string,
  session: string,
  watcher: ZkWatcher,
): Promise<{ pending: TransitionMessage[]; stale: string[] }> {
  const pending: TransitionMessage[] = [];
  const stale: string[] = [];
  for (const id of await childrenOrEmpty(zk, paths.messages(name), watcher)) {
    const found = await readRecord(zk, paths.message(name, id));
    if (!found) continue;
    const message = readTransition(found.record);
    if (message.tgtSessionId === session || message.tgtSessionId === '*') pending.push(message);
    else stale.push(id);
  }
  return { pending, stale };
}
