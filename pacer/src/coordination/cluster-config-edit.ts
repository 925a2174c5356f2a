/**
 * Edits of a cluster's ClusterConfig record (`CONFIGS/CLUSTER/<cluster>`, docs/pacer-cluster.md)
 * that change only the settings named: `updateClusterSettings` (cluster-setup.ts) and the operator
 * command `pinlater-ops pacer settings set` (pacer/src/cli/cluster-settings-admin.ts) both write
 * through `editClusterConfig`, so setting the throttle never switches the delayed rebalance off, and
 * setting the delay never resets the throttle.
 *
 * - maxPartitionsInTransition: MAX_PARTITION_IN_TRANSITION of every CLUSTER-scope entry of the
 *   listField `STATE_TRANSITION_THROTTLE_CONFIGS` that bounds every transition (REBALANCE_TYPE
 *   ANY or none; their other keys kept; other scopes, other types and unparsable entries kept as
 *   stored), or one such entry appended when there is none;
 * - maxByRebalanceType: per type named (RECOVERY_BALANCE, LOAD_BALANCE), MAX_PARTITION_IN_TRANSITION
 *   of the CLUSTER-scope entries of that type, or one appended; `null` removes them (that kind is
 *   then bounded by the total alone);
 * - delayRebalanceMs: `DELAY_REBALANCE_ENABLED` and `DELAY_REBALANCE_TIME` (0 = off, stored as
 *   false / -1, as a new cluster's record has it).
 */
import {
  clusterConfigRecord, clusterScopeEntry, clusterThrottleEntry, entryRebalanceType, THROTTLE_FIELD, TYPED_REBALANCES,
  type RebalanceType, type TypedRebalance,
} from './helix-records';
import { cloneRecord, type ZNRecord } from './zn-record';

/** The settings an edit changes (absent: kept as stored); a typed bound `null`: its entries removed. */
export interface ClusterSettingsEdit {
  readonly delayRebalanceMs?: number;
  readonly maxPartitionsInTransition?: number;
  readonly maxByRebalanceType?: Readonly<Partial<Record<TypedRebalance, number | null>>>;
}

/** The record with the given settings changed and everything else as stored; no record: a new cluster's record with them. */
export function editClusterConfig(config: ZNRecord | undefined, cluster: string, settings: ClusterSettingsEdit): ZNRecord {
  const next = cloneRecord(config ?? clusterConfigRecord(cluster));
  if (settings.delayRebalanceMs !== undefined) {
    const delay = settings.delayRebalanceMs;
    next.simpleFields.DELAY_REBALANCE_ENABLED = String(delay > 0);
    next.simpleFields.DELAY_REBALANCE_TIME = delay > 0 ? String(delay) : '-1';
  }
  let entries = next.listFields[THROTTLE_FIELD];
  if (settings.maxPartitionsInTransition !== undefined) entries = withClusterThrottle(entries ?? [], 'ANY', settings.maxPartitionsInTransition);
  for (const type of TYPED_REBALANCES) {
    const max = settings.maxByRebalanceType?.[type];
    if (max !== undefined) entries = withClusterThrottle(entries ?? [], type, max);
  }
  if (entries !== undefined) next.listFields[THROTTLE_FIELD] = entries;
  return next;
}

/** The entries with MAX_PARTITION_IN_TRANSITION = `max` in the CLUSTER-scope ones of `type` (one appended when none); `null`: those removed. */
function withClusterThrottle(entries: readonly string[], type: RebalanceType, max: number | null): string[] {
  let found = false;
  const edited = entries.flatMap((entry) => {
    const parsed = clusterScopeEntry(entry);
    if (parsed === undefined || entryRebalanceType(parsed) !== type) return [entry];
    found = true;
    return max === null ? [] : [JSON.stringify({ ...parsed, MAX_PARTITION_IN_TRANSITION: String(max) })];
  });
  return found || max === null ? edited : [...edited, clusterThrottleEntry(max, type)];
}
