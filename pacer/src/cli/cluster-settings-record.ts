/**
 * A Pacer cluster's stored settings (the ClusterConfig record `CONFIGS/CLUSTER/<cluster>`,
 * docs/pacer-cluster.md) as an operator reads them, and the one edit `pinlater-ops pacer settings
 * set` makes. Two settings live there:
 *
 * - the CLUSTER-scope throttle, `MAX_PARTITION_IN_TRANSITION` in the listField
 *   `STATE_TRANSITION_THROTTLE_CONFIGS` (one JSON object per entry): settable here;
 * - the delayed rebalance, `DELAY_REBALANCE_ENABLED` / `DELAY_REBALANCE_TIME`: shown only (it
 *   trades availability for fewer moves; see docs/pacer-cluster.md "Delayed rebalance").
 *
 * What the controller uses comes from its own reader, `clusterSettings` (coordination/
 * helix-records.ts): a value missing or not a positive number means the default. The edit changes
 * only MAX_PARTITION_IN_TRANSITION of the CLUSTER-scope entries; every other field, entry and key
 * stays as stored (unlike `updateClusterSettings`, which rewrites the delay from its argument).
 */
import { clusterConfigRecord, clusterSettings, DEFAULT_MAX_PARTITIONS_IN_TRANSITION } from '../coordination/helix-records';
import { cloneRecord, type ZNRecord } from '../coordination/zn-record';

/** The listField holding the throttle entries (Helix's ClusterConfig field name). */
const THROTTLE_FIELD = 'STATE_TRANSITION_THROTTLE_CONFIGS';
const CLUSTER_SCOPE = 'CLUSTER';

/**
 * The largest MAX_PARTITION_IN_TRANSITION the operator command writes. 10,000 is the largest
 * cluster measured (bench/pacer-cluster-scale.ts: 2,500 queues × 4 partitions); there a broker
 * leaving moves about 3,400 partitions, and a throttle of 5,000 was already slower than 1,000
 * (docs/pacer-performance.md). Above it the throttle no longer limits anything.
 */
export const MAX_PARTITIONS_IN_TRANSITION_LIMIT = 10_000;

export interface StoredClusterSettings {
  /** False when the cluster has no ClusterConfig record (the controller then uses every default). */
  readonly configPresent: boolean;
  readonly maxPartitionsInTransition: {
    /** As stored: MAX_PARTITION_IN_TRANSITION of the last CLUSTER-scope entry; null when there is none. */
    readonly stored: string | null;
    /** What the controller uses (the stored value when it is a positive number, else the default). */
    readonly inUse: number;
    readonly default: number;
  };
  readonly delayRebalance: {
    /** DELAY_REBALANCE_ENABLED and DELAY_REBALANCE_TIME (ms) as stored; null when absent. */
    readonly storedEnabled: string | null;
    readonly storedTimeMs: string | null;
    /** The delay the controller uses, in ms; 0 = off (partitions move at once). */
    readonly inUseMs: number;
    readonly defaultMs: number;
  };
}

/** The record's settings: as stored, as the controller uses them, and the defaults. */
export function storedClusterSettings(config: ZNRecord | undefined): StoredClusterSettings {
  const inUse = clusterSettings(config);
  const defaults = clusterSettings(undefined);
  return {
    configPresent: config !== undefined,
    maxPartitionsInTransition: { stored: storedThrottle(config), inUse: inUse.maxPartitionsInTransition, default: DEFAULT_MAX_PARTITIONS_IN_TRANSITION },
    delayRebalance: {
      storedEnabled: config?.simpleFields.DELAY_REBALANCE_ENABLED ?? null,
      storedTimeMs: config?.simpleFields.DELAY_REBALANCE_TIME ?? null,
      inUseMs: inUse.delayRebalanceMs,
      defaultMs: defaults.delayRebalanceMs,
    },
  };
}

/**
 * The record with MAX_PARTITION_IN_TRANSITION = `max` in every CLUSTER-scope throttle entry (their
 * other keys kept), or one such entry appended when there is none. No record: the record a new
 * cluster gets (setupCluster), with `max`.
 */
export function withMaxPartitionsInTransition(config: ZNRecord | undefined, cluster: string, max: number): ZNRecord {
  if (config === undefined) return clusterConfigRecord(cluster, { maxPartitionsInTransition: max });
  const next = cloneRecord(config);
  const entries = next.listFields[THROTTLE_FIELD] ?? [];
  let found = false;
  const edited = entries.map((entry) => {
    const parsed = clusterScopeEntry(entry);
    if (parsed === undefined) return entry;
    found = true;
    return JSON.stringify({ ...parsed, MAX_PARTITION_IN_TRANSITION: String(max) });
  });
  next.listFields[THROTTLE_FIELD] = found ? edited : [...entries, JSON.stringify({ THROTTLE_SCOPE: CLUSTER_SCOPE, MAX_PARTITION_IN_TRANSITION: String(max) })];
  return next;
}

function storedThrottle(config: ZNRecord | undefined): string | null {
  let stored: string | null = null;
  for (const entry of config?.listFields[THROTTLE_FIELD] ?? []) {
    const value = clusterScopeEntry(entry)?.MAX_PARTITION_IN_TRANSITION;
    if (value !== undefined) stored = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return stored;
}

/** The entry's object when it is a CLUSTER-scope throttle entry; undefined otherwise (other scopes, unparsable text). */
function clusterScopeEntry(entry: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const fields = parsed as Record<string, unknown>;
  return fields.THROTTLE_SCOPE === CLUSTER_SCOPE ? fields : undefined;
}
