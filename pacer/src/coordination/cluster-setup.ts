/**
 * Cluster administration in Helix's shape (HelixAdmin's addCluster / addResource /
 * addInstance): the cluster skeleton with the OnlineOffline state model, queues as FULL_AUTO
 * resources with `<queue>_<n>` partitions, and instances with their InstanceConfig.
 */
import {
  clusterConfigRecord,
  instanceConfigRecord,
  onlineOfflineStateModel,
  queueIdealState,
  type ClusterSettings,
  type InstanceEndpoint,
  type QueueResourceOptions,
} from './helix-records';
import type { HelixPaths} from './helix-paths';
import { partitionName } from './helix-paths';
import { createRecord, deleteIfExists, ensureNode, readRecord, updateRecord } from './record-store';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import { cloneRecord } from './zn-record';
import { editClusterConfig, type ClusterSettingsEdit } from './cluster-config-edit';

/** Creates every node a set-up cluster needs (idempotent); existing config is left alone. */
export async function setupCluster(zk: ZkClient, paths: HelixPaths, settings: Partial<ClusterSettings> = {}): Promise<void> {
  for (const path of paths.clusterSkeleton()) await ensureNode(zk, path);
  await createRecord(zk, paths.clusterConfig(), clusterConfigRecord(paths.cluster, settings));
  await createRecord(zk, paths.stateModelDef(), onlineOfflineStateModel());
}

export async function isClusterSetup(zk: ZkClient, paths: HelixPaths): Promise<boolean> {
  for (const path of paths.clusterSkeleton()) if (!(await zk.exists(path))) return false;
  return true;
}

/** Changes the settings given (delay, throttle) in the cluster config; the others stay as stored (cluster-config-edit.ts). */
export async function updateClusterSettings(zk: ZkClient, paths: HelixPaths, settings: ClusterSettingsEdit): Promise<void> {
  await updateRecord(zk, paths.clusterConfig(), (current) => editClusterConfig(current, paths.cluster, settings));
}

/** Adds a queue as a resource; resolves false if it already exists. */
export function addQueue(zk: ZkClient, paths: HelixPaths, queue: string, options: QueueResourceOptions): Promise<boolean> {
  if (!/^[A-Za-z0-9_.-]+$/.test(queue)) throw new Error(`invalid queue name '${queue}'`);
  if (!Number.isInteger(options.numPartitions) || options.numPartitions < 1) {
    throw new Error(`queue ${queue}: numPartitions must be a positive integer`);
  }
  return createRecord(zk, paths.idealState(queue), queueIdealState(queue, options));
}

/** Removes the queue's IdealState; the controller then takes every partition OFFLINE. */
export function removeQueue(zk: ZkClient, paths: HelixPaths, queue: string): Promise<boolean> {
  return deleteIfExists(zk, paths.idealState(queue));
}

/** Changes NUM_PARTITIONS (and the partition list) of an existing queue. */
export async function setQueuePartitions(zk: ZkClient, paths: HelixPaths, queue: string, count: number): Promise<void> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`queue ${queue}: partition count must be positive`);
  await updateRecord(zk, paths.idealState(queue), (current) => {
    if (!current) throw new Error(`queue ${queue} does not exist`);
    const next = cloneRecord(current);
    next.simpleFields.NUM_PARTITIONS = String(count);
    next.listFields = {};
    for (let n = 0; n < count; n++) next.listFields[partitionName(queue, n)] = [];
    for (const p of Object.keys(next.mapFields)) if (!(p in next.listFields)) delete next.mapFields[p];
    return next;
  });
}

/** Registers an instance: InstanceConfig (endpoint, enabled) plus its INSTANCES/<i> skeleton. */
export async function addInstance(zk: ZkClient, paths: HelixPaths, name: string, endpoint: InstanceEndpoint): Promise<void> {
  await updateRecord(zk, paths.instanceConfig(name), (current) => {
    const next = current ? cloneRecord(current) : instanceConfigRecord(name, endpoint);
    next.simpleFields.HELIX_HOST = endpoint.host;
    next.simpleFields.HELIX_PORT = String(endpoint.port);
    next.simpleFields.HELIX_ENABLED ??= 'true';
    return next;
  });
  for (const path of paths.instanceSkeleton(name)) await ensureNode(zk, path);
}

/** Enables or disables an instance; a disabled instance is drained of its partitions. */
export async function setInstanceEnabled(zk: ZkClient, paths: HelixPaths, name: string, enabled: boolean, nowMs: number): Promise<void> {
  await updateRecord(zk, paths.instanceConfig(name), (current) => {
    if (!current) throw new Error(`instance ${name} is not registered`);
    const next = cloneRecord(current);
    next.simpleFields.HELIX_ENABLED = String(enabled);
    next.simpleFields.HELIX_ENABLED_TIMESTAMP = String(nowMs);
    return next;
  });
}

export async function queueNames(zk: ZkClient, paths: HelixPaths): Promise<string[]> {
  return (await zk.children(paths.idealStates())).sort();
}

export async function queuePartitionCount(zk: ZkClient, paths: HelixPaths, queue: string): Promise<number | undefined> {
  const found = await readRecord(zk, paths.idealState(queue));
  return found ? Number(found.record.simpleFields.NUM_PARTITIONS) : undefined;
}
