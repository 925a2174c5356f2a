/**
 * A Pacer cluster's stored settings (the ClusterConfig record `CONFIGS/CLUSTER/<cluster>`,
 * docs/pacer-cluster.md) as an operator reads them, and the one edit `pinlater-ops pacer settings
 * set` makes. Two settings live there:
 *
 * - the CLUSTER-scope throttle, `MAX_PARTITION_IN_TRANSITION` in the listField
 *   `STATE_TRANSITION_THROTTLE_CONFIGS` (one JSON object per entry): the bound on every transition
 *   (entries of REBALANCE_TYPE ANY or none), and the optional bounds of one kind (entries of
 *   REBALANCE_TYPE RECOVERY_BALANCE: partitions coming ONLINE; LOAD_BALANCE: the others): settable here;
 * - the delayed rebalance, `DELAY_REBALANCE_ENABLED` / `DELAY_REBALANCE_TIME`: shown only (it
 *   trades availability for fewer moves; see docs/pacer-cluster.md "Delayed rebalance").
 *
 * What the controller uses comes from its own reader, `clusterSettings` (coordination/
 * helix-records.ts): a value missing or not a positive number means the default. The edit changes
 * only MAX_PARTITION_IN_TRANSITION of the CLUSTER-scope entries of one type (or removes the entries
 * of a typed bound); every other field, entry and key
 * stays as stored (coordination/cluster-config-edit.ts, which `updateClusterSettings` uses too).
 */
import { editClusterConfig } from '../coordination/cluster-config-edit';
import {
  clusterScopeEntry, clusterSettings, DEFAULT_MAX_PARTITIONS_IN_TRANSITION, entryRebalanceType, THROTTLE_FIELD, TYPED_REBALANCES,
  type RebalanceType, type TypedRebalance,
} from '../coordination/helix-records';
import type { ZNRecord } from '../coordination/zn-record';

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
  /** The bounds of one kind of transition, on top of the total (none by default). */
  readonly byRebalanceType: Readonly<Record<TypedRebalance, {
    /** As stored: MAX_PARTITION_IN_TRANSITION of the last CLUSTER-scope entry of the type; null when there is none. */
    readonly stored: string | null;
    /** What the controller uses; null: no bound of its own (the total alone). */
    readonly inUse: number | null;
  }>>;
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
    maxPartitionsInTransition: { stored: storedThrottle(config, 'ANY'), inUse: inUse.maxPartitionsInTransition, default: DEFAULT_MAX_PARTITIONS_IN_TRANSITION },
    byRebalanceType: Object.fromEntries(TYPED_REBALANCES.map((type) => [type, { stored: storedThrottle(config, type), inUse: inUse.maxByRebalanceType[type] ?? null }])) as StoredClusterSettings['byRebalanceType'],
    delayRebalance: {
      storedEnabled: config?.simpleFields.DELAY_REBALANCE_ENABLED ?? null,
      storedTimeMs: config?.simpleFields.DELAY_REBALANCE_TIME ?? null,
      inUseMs: inUse.delayRebalanceMs,
      defaultMs: defaults.delayRebalanceMs,
    },
  };
}

/**
 * The record with MAX_PARTITION_IN_TRANSITION = `max` in the throttle entries of `type` (ANY: the
 * bound on every transition) and everything else as stored (cluster-config-edit.ts); `max` null
 * removes a typed bound's entries.
 */
export function withThrottle(config: ZNRecord | undefined, cluster: string, type: RebalanceType, max: number | null): ZNRecord {
  if (type === 'ANY') return editClusterConfig(config, cluster, { maxPartitionsInTransition: max ?? DEFAULT_MAX_PARTITIONS_IN_TRANSITION });
  return editClusterConfig(config, cluster, { maxByRebalanceType: { [type]: max } });
}

function storedThrottle(config: ZNRecord | undefined, type: RebalanceType): string | null {
  let stored: string | null = null;
  for (const entry of config?.listFields[THROTTLE_FIELD] ?? []) {
    const fields = clusterScopeEntry(entry);
    const value = fields?.MAX_PARTITION_IN_TRANSITION;
    if (fields !== undefined && value !== undefined && entryRebalanceType(fields) === type) stored = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return stored;
}
