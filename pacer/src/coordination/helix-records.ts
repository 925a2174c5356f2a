/**
 * Field names and builders for the Helix record types Pacer uses (MODEL §2.3, §2.4).
 */
import { hostname } from 'node:os';
import { newRecord, type ZNRecord } from './zn-record';
import { ONLINE_OFFLINE } from './helix-paths';

export const HELIX_VERSION = 'pacer-helix-1.0';

export const PartitionState = { ONLINE: 'ONLINE', OFFLINE: 'OFFLINE', DROPPED: 'DROPPED', ERROR: 'ERROR' } as const;
export type PartitionStateName = (typeof PartitionState)[keyof typeof PartitionState];

/** The OnlineOffline StateModelDefinition record exactly as Helix's `OnlineOfflineSMD` builds it. */
export function onlineOfflineStateModel(): ZNRecord {
  const r = newRecord(ONLINE_OFFLINE);
  r.simpleFields.INITIAL_STATE = 'OFFLINE';
  r.listFields.STATE_PRIORITY_LIST = ['ONLINE', 'OFFLINE', 'DROPPED'];
  r.listFields.STATE_TRANSITION_PRIORITYLIST = ['OFFLINE-ONLINE', 'ONLINE-OFFLINE', 'OFFLINE-DROPPED'];
  r.mapFields['ONLINE.meta'] = { count: 'R' };
  r.mapFields['OFFLINE.meta'] = { count: '-1' };
  r.mapFields['DROPPED.meta'] = { count: '-1' };
  r.mapFields['ONLINE.next'] = { OFFLINE: 'OFFLINE', DROPPED: 'OFFLINE' };
  r.mapFields['OFFLINE.next'] = { ONLINE: 'ONLINE', DROPPED: 'DROPPED' };
  return r;
}

/** A LiveInstance record (also the CONTROLLER/LEADER payload); `extra`: the member's own simple fields. */
export function liveInstanceRecord(name: string, sessionId: string, extra: Readonly<Record<string, string>> = {}): ZNRecord {
  const r = newRecord(name);
  r.simpleFields.SESSION_ID = sessionId;
  r.simpleFields.HELIX_VERSION = HELIX_VERSION;
  r.simpleFields.LIVE_INSTANCE = `${process.pid}@${hostname()}`;
  Object.assign(r.simpleFields, extra);
  return r;
}

export interface InstanceEndpoint {
  readonly host: string;
  readonly port: number;
}

export function instanceConfigRecord(name: string, endpoint: InstanceEndpoint, enabled = true): ZNRecord {
  const r = newRecord(name);
  r.simpleFields.HELIX_HOST = endpoint.host;
  r.simpleFields.HELIX_PORT = String(endpoint.port);
  r.simpleFields.HELIX_ENABLED = String(enabled);
  return r;
}

export function instanceEnabled(config: ZNRecord | undefined): boolean {
  return config?.simpleFields.HELIX_ENABLED !== 'false';
}

export function instanceEndpoint(config: ZNRecord | undefined): InstanceEndpoint | undefined {
  const host = config?.simpleFields.HELIX_HOST;
  const port = Number(config?.simpleFields.HELIX_PORT);
  if (!host || !Number.isInteger(port) || port <= 0) return undefined;
  return { host, port };
}

export interface QueueResourceOptions {
  readonly numPartitions: number;
  /** IdealState REBALANCE_DELAY override in ms (the cluster's DELAY_REBALANCE_TIME otherwise). */
  readonly rebalanceDelayMs?: number;
}

/** An IdealState for one queue: FULL_AUTO, OnlineOffline, REPLICAS=1, `<queue>_<n>` partitions. */
export function queueIdealState(queue: string, options: QueueResourceOptions): ZNRecord {
  const r = newRecord(queue);
  r.simpleFields.NUM_PARTITIONS = String(options.numPartitions);
  r.simpleFields.REPLICAS = '1';
  r.simpleFields.REBALANCE_MODE = 'FULL_AUTO';
  r.simpleFields.STATE_MODEL_DEF_REF = ONLINE_OFFLINE;
  r.simpleFields.STATE_MODEL_FACTORY_NAME = 'DEFAULT';
  if (options.rebalanceDelayMs !== undefined) r.simpleFields.REBALANCE_DELAY = String(options.rebalanceDelayMs);
  for (let n = 0; n < options.numPartitions; n++) r.listFields[`${queue}_${n}`] = [];
  return r;
}

export function numPartitions(idealState: ZNRecord): number {
  const n = Number(idealState.simpleFields.NUM_PARTITIONS);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export interface ClusterSettings {
  /** DELAY_REBALANCE_TIME in ms when DELAY_REBALANCE_ENABLED; 0 = move at once. */
  readonly delayRebalanceMs: number;
  /** MAX_PARTITION_IN_TRANSITION of the CLUSTER-scope throttle entry of REBALANCE_TYPE ANY (or none): every transition counts. */
  readonly maxPartitionsInTransition: number;
  /**
   * MAX_PARTITION_IN_TRANSITION of the CLUSTER-scope entries of one REBALANCE_TYPE (Helix's
   * StateTransitionThrottleConfig): RECOVERY_BALANCE counts the transitions that bring a partition
   * ONLINE (it is unserved until then), LOAD_BALANCE the others (hand-offs, drops). Absent: that
   * kind is bounded by `maxPartitionsInTransition` alone.
   */
  readonly maxByRebalanceType: Readonly<Partial<Record<TypedRebalance, number>>>;
}

/** The REBALANCE_TYPEs a throttle entry may name besides ANY (the default when it names none). */
export const TYPED_REBALANCES = ['RECOVERY_BALANCE', 'LOAD_BALANCE'] as const;
export type TypedRebalance = (typeof TYPED_REBALANCES)[number];
/** What a throttle entry bounds: every transition (`ANY`), or one kind. */
export type RebalanceType = 'ANY' | TypedRebalance;

export const DEFAULT_MAX_PARTITIONS_IN_TRANSITION = 1000;

/** The ClusterConfig listField holding the throttle entries (Helix's field name), one JSON object per entry. */
export const THROTTLE_FIELD = 'STATE_TRANSITION_THROTTLE_CONFIGS';
const CLUSTER_SCOPE = 'CLUSTER';

/** A CLUSTER-scope throttle entry allowing `max` partitions in transition (of one kind when `type` is not ANY). */
export function clusterThrottleEntry(max: number, type: RebalanceType = 'ANY'): string {
  return JSON.stringify({ THROTTLE_SCOPE: CLUSTER_SCOPE, ...(type === 'ANY' ? {} : { REBALANCE_TYPE: type }), MAX_PARTITION_IN_TRANSITION: String(max) });
}

/** The entry's object when it is a CLUSTER-scope throttle entry; undefined otherwise (other scopes, unparsable text). */
export function clusterScopeEntry(entry: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry);
  } catch {
    return undefined; // An unparsable throttle entry is ignored, as Helix ignores unknown config.
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const fields = parsed as Record<string, unknown>;
  return fields.THROTTLE_SCOPE === CLUSTER_SCOPE ? fields : undefined;
}

/**
 * What a CLUSTER-scope entry bounds: no REBALANCE_TYPE or ANY: every transition; RECOVERY_BALANCE
 * or LOAD_BALANCE: that kind. Any other REBALANCE_TYPE: undefined (the entry is ignored, as Helix
 * ignores a throttle config it cannot read).
 */
export function entryRebalanceType(fields: Record<string, unknown>): RebalanceType | undefined {
  const type = fields.REBALANCE_TYPE;
  if (type === undefined || type === 'ANY') return 'ANY';
  return (TYPED_REBALANCES as readonly unknown[]).includes(type) ? (type as TypedRebalance) : undefined;
}

export function clusterConfigRecord(cluster: string, settings: Partial<ClusterSettings> = {}): ZNRecord {
  const r = newRecord(cluster);
  const delay = settings.delayRebalanceMs ?? 0;
  r.simpleFields.DELAY_REBALANCE_ENABLED = String(delay > 0);
  r.simpleFields.DELAY_REBALANCE_TIME = delay > 0 ? String(delay) : '-1';
  const max = settings.maxPartitionsInTransition ?? DEFAULT_MAX_PARTITIONS_IN_TRANSITION;
  const typed = TYPED_REBALANCES.flatMap((type) => {
    const n = settings.maxByRebalanceType?.[type];
    return n === undefined ? [] : [clusterThrottleEntry(n, type)];
  });
  r.listFields[THROTTLE_FIELD] = [clusterThrottleEntry(max), ...typed];
  return r;
}

/** A value missing or not a positive number means the default (ANY) or no bound of that kind (typed); the last valid entry of a kind wins. */
export function clusterSettings(config: ZNRecord | undefined): ClusterSettings {
  const enabled = config?.simpleFields.DELAY_REBALANCE_ENABLED === 'true';
  const delay = Number(config?.simpleFields.DELAY_REBALANCE_TIME ?? -1);
  let max = DEFAULT_MAX_PARTITIONS_IN_TRANSITION;
  const byType: Partial<Record<TypedRebalance, number>> = {};
  for (const entry of config?.listFields[THROTTLE_FIELD] ?? []) {
    const fields = clusterScopeEntry(entry);
    const type = fields === undefined ? undefined : entryRebalanceType(fields);
    const value = Number(fields?.MAX_PARTITION_IN_TRANSITION);
    if (type === undefined || !(value > 0)) continue;
    if (type === 'ANY') max = value;
    else byType[type] = value;
  }
  return { delayRebalanceMs: enabled && delay > 0 ? delay : 0, maxPartitionsInTransition: max, maxByRebalanceType: byType };
}

/** The delay of one resource: IdealState REBALANCE_DELAY wins over the cluster's (MODEL §2.7). */
export function resourceDelayMs(idealState: ZNRecord, cluster: ClusterSettings): number {
  if (cluster.delayRebalanceMs <= 0) return 0;
  const own = Number(idealState.simpleFields.REBALANCE_DELAY);
  return Number.isFinite(own) && own >= 0 && idealState.simpleFields.REBALANCE_DELAY !== undefined
    ? own
    : cluster.delayRebalanceMs;
}
