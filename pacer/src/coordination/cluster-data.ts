/**
 * What the controller's ReadClusterData stage hands the pipeline: configs, live instances (with
 * their sessions), the current states of each live session, pending messages and ideal states,
 * and what changed since the previous run. `cluster-data-cache.ts` keeps it, refreshed by watches.
 */
import type { ClusterSettings } from './helix-records';
import type { TransitionMessage } from './helix-message';
import type { VersionedRecord } from './record-store';
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
  /** What changed since the previous snapshot. */
  readonly changes: ClusterChanges;
}

/**
 * `all`: instances, their configs or liveness, the cluster settings or the pause changed (or the
 * cluster was read whole), so every resource is affected; else `resources` names those whose ideal
 * state, current states or messages changed (a removed resource included).
 */
export interface ClusterChanges {
  readonly all: boolean;
  readonly resources: ReadonlySet<string>;
  /** Of `resources`, those whose ideal state changed (added, edited, removed): only these need a new assignment. */
  readonly idealStates: ReadonlySet<string>;
}
