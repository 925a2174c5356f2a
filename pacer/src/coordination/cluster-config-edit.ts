/**
 * Edits of a cluster's ClusterConfig record (`CONFIGS/CLUSTER/<cluster>`, docs/pacer-cluster.md)
 * that change only the settings named: `updateClusterSettings` (cluster-setup.ts) and the operator
 * command `pinlater-ops pacer settings set` (pacer/src/cli/cluster-settings-admin.ts) both write
 * through `editClusterConfig`, so setting the throttle never switches the delayed rebalance off, and
 * setting the delay never resets the throttle.
 *
 * - maxPartitionsInTransition: MAX_PARTITION_IN_TRANSITION of every CLUSTER-scope entry of the
 *   listField `STATE_TRANSITION_THROTTLE_CONFIGS` (their other keys kept; other scopes and
 *   unparsable entries kept as stored), or one such entry appended when there is none;
 * - delayRebalanceMs: `DELAY_REBALANCE_ENABLED` and `DELAY_REBALANCE_TIME` (0 = off, stored as
 *   false / -1, as a new cluster's record has it).
 */
import { clusterConfigRecord, clusterScopeEntry, clusterThrottleEntry, THROTTLE_FIELD, type ClusterSettings } from './helix-records';
import { cloneRecord, type ZNRecord } from './zn-record';

/** The record with the given settings changed and everything else as stored; no record: a new cluster's record with them. */
export function editClusterConfig(config: ZNRecord | undefined, cluster: string, settings: Partial<ClusterSettings>): ZNRecord {
  if (config === undefined) return clusterConfigRecord(cluster, settings);
  const next = cloneRecord(config);
  if (settings.delayRebalanceMs !== undefined) {
    const delay = settings.delayRebalanceMs;
    next.simpleFields.DELAY_REBALANCE_ENABLED = String(delay > 0);
    next.simpleFields.DELAY_REBALANCE_TIME = delay > 0 ? String(delay) : '-1';
  }
  if (settings.maxPartitionsInTransition !== undefined) next.listFields[THROTTLE_FIELD] = withClusterThrottle(next.listFields[THROTTLE_FIELD] ?? [], settings.maxPartitionsInTransition);
  return next;
}

function withClusterThrottle(entries: readonly string[], max: number): string[] {
  let found = false;
  const edited = entries.map((entry) => {
    const parsed = clusterScopeEntry(entry);
    if (parsed === undefined) return entry;
    found = true;
    return JSON.stringify({ ...parsed, MAX_PARTITION_IN_TRANSITION: String(max) });
  });
  return found ? edited : [...entries, clusterThrottleEntry(max)];
}
