/**
 * ExternalViewCompute (pure): per resource, partition → {instance: state} from the current
 * states of live instances (every state but DROPPED), as Helix's ExternalViewComputeStage.
 */
import type { InstanceSnapshot } from './cluster-data';
import { PartitionState } from './helix-records';
import { newRecord, type ZNRecord } from './zn-record';

export function computeExternalView(resource: string, idealState: ZNRecord, live: readonly InstanceSnapshot[]): ZNRecord {
  const ev = newRecord(resource);
  for (const field of ['NUM_PARTITIONS', 'REPLICAS', 'STATE_MODEL_DEF_REF', 'STATE_MODEL_FACTORY_NAME', 'BUCKET_SIZE']) {
    const value = idealState.simpleFields[field];
    if (value !== undefined) ev.simpleFields[field] = value;
  }
  for (const partition of Object.keys(idealState.listFields)) ev.mapFields[partition] = {};
  for (const i of live) {
    for (const [partition, cs] of Object.entries(i.currentStates[resource] ?? {})) {
      if (cs.state === PartitionState.DROPPED) continue;
      (ev.mapFields[partition] ??= {})[i.name] = cs.state;
    }
  }
  return ev;
}

/** partition → instances holding it ONLINE, from an ExternalView record. */
export function onlineOwners(ev: ZNRecord): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [partition, states] of Object.entries(ev.mapFields)) {
    out.set(
      partition,
      Object.entries(states)
        .filter(([, s]) => s === PartitionState.ONLINE)
        .map(([i]) => i)
        .sort(),
    );
  }
  return out;
}
