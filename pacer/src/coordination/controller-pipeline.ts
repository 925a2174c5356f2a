/**
 * One run of the controller pipeline (MODEL §2.6), executed only by the leader:
 * ReadClusterData → BestPossibleStateCalc (sticky balanced, delayed) → MessageGeneration →
 * MessageThrottle → ResourceMessageDispatch → PersistAssignment, then ExternalViewCompute.
 * Also records LAST_OFFLINE_TIME for instances that went away and deletes stale messages.
 */
import { activeInstances, assignResource, type InstanceView, type ResourceAssignment } from './assignment';
import { assignmentChange, type AssignmentChange } from './assignment-change';
import { readClusterSnapshot, type ClusterSnapshot, type InstanceSnapshot } from './cluster-data';
import { computeExternalView } from './external-view';
import { transitionMessage } from './helix-message';
import { instanceEnabled, numPartitions, PartitionState, resourceDelayMs } from './helix-records';
import { partitionName, type HelixPaths } from './helix-paths';
import { generateTransitions, type PlannedTransition } from './message-generation';
import { deleteIfExists, updateRecord } from './record-store';
import type { Clock } from '../../../core/src/util/clock';
import type { ZkClient, ZkOp, ZkWatcher } from '../../../core/src/zookeeper/zk-client';
import { cloneRecord, newRecord, recordsEqual, serializeRecord, type ZNRecord } from './zn-record';

export interface PipelineInput {
  readonly zk: ZkClient;
  readonly paths: HelixPaths;
  readonly controllerName: string;
  readonly clock: Clock;
  readonly watcher: ZkWatcher;
  readonly errorRetryMs: number;
  /** Told what the run saw and changed, as it happens (the controller's log: controller-change-log.ts). */
  readonly observer?: PipelineObserver;
}

export interface PipelineObserver {
  /** The live instances the run read (name → session); also when the cluster is paused. */
  liveInstances(live: ReadonlyMap<string, string>): void;
  /** An ideal state was rewritten (told right after the write, so a later failure in the run loses nothing). */
  assignmentChanged(change: AssignmentChange): void;
}

/** One run's context: `nowMs` is read once, right after the cluster data was read. */
interface PipelineContext extends Omit<PipelineInput, 'clock'> {
  readonly nowMs: number;
}

export interface PipelineResult {
  readonly messagesSent: number;
  readonly throttled: number;
  /** Run again at this time (a delayed-rebalance window or an ERROR retry ends). */
  readonly rerunAtMs?: number;
  readonly paused: boolean;
  /** Ideal states this run rewrote (an assignment changed): a rebalance when > 0. */
  readonly idealStatesWritten: number;
}

export async function runPipeline(input: PipelineInput): Promise<PipelineResult> {
  const snapshot = await readClusterSnapshot(input.zk, input.paths, input.watcher);
  input.observer?.liveInstances(liveSessionsOf(snapshot));
  if (snapshot.paused) return { messagesSent: 0, throttled: 0, paused: true, idealStatesWritten: 0 };
  // The run's time is taken AFTER the read: an instance seen gone went away before this instant,
  // so LAST_OFFLINE_TIME (and the delayed-rebalance window counted from it) never starts before
  // the instance actually left. Read before, a slow read under load started the window early.
  const { clock, ...rest } = input;
  const ctx: PipelineContext = { ...rest, nowMs: clock.nowMs() };
  const live = [...snapshot.instances.values()].filter((i) => i.sessionId !== undefined);
  await recordOfflineTimes(ctx, snapshot);
  await deleteStaleMessages(ctx, live);
  const { targets, partitions, rerunAtMs: delayEnd, idealStatesWritten } = await bestPossible(ctx, snapshot, live);
  const generated = generateTransitions({
    targets,
    partitions,
    live,
    maxInTransition: snapshot.settings.maxPartitionsInTransition,
    nowMs: ctx.nowMs,
    errorRetryMs: ctx.errorRetryMs,
  });
  await dispatch(ctx, generated.transitions);
  await writeExternalViews(ctx, snapshot, live);
  const rerunAtMs = minDefined(delayEnd, generated.retryAtMs);
  return { messagesSent: generated.transitions.length, throttled: generated.throttled, paused: false, idealStatesWritten, ...(rerunAtMs !== undefined ? { rerunAtMs } : {}) };
}

function liveSessionsOf(snapshot: ClusterSnapshot): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of snapshot.instances.values()) if (i.sessionId !== undefined) out.set(i.name, i.sessionId);
  return out;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function instanceViews(snapshot: ClusterSnapshot, nowMs: number): InstanceView[] {
  return [...snapshot.instances.values()].map((i) => {
    // An instance that just went away is offline since now (recordOfflineTimes persists it).
    const offlineSinceMs = i.offlineSinceMs ?? (i.justWentOffline ? nowMs : undefined);
    return {
      name: i.name,
      live: i.sessionId !== undefined,
      enabled: i.config !== undefined && instanceEnabled(i.config),
      ...(offlineSinceMs !== undefined ? { offlineSinceMs } : {}),
    };
  });
}

/** The previous owner of each partition: the persisted assignment, else a live ONLINE holder. */
function previousOwners(idealState: ZNRecord, resource: string, live: readonly InstanceSnapshot[]): Record<string, string | undefined> {
  const previous: Record<string, string | undefined> = {};
  for (const i of live) {
    for (const [p, cs] of Object.entries(i.currentStates[resource] ?? {})) if (cs.state === PartitionState.ONLINE) previous[p] = i.name;
  }
  return { ...previous, ...idealOwners(idealState) };
}

async function bestPossible(
  ctx: PipelineContext,
  snapshot: ClusterSnapshot,
  live: readonly InstanceSnapshot[],
): Promise<{ targets: Record<string, ResourceAssignment>; partitions: Record<string, string[]>; idealStatesWritten: number; rerunAtMs?: number }> {
  const views = instanceViews(snapshot, ctx.nowMs);
  const load = new Map<string, number>();
  const targets: Record<string, ResourceAssignment> = {};
  const partitions: Record<string, string[]> = {};
  let rerunAtMs: number | undefined;
  let idealStatesWritten = 0;
  for (const [resource, { record, version }] of snapshot.idealStates) {
    const list = Array.from({ length: numPartitions(record) }, (_, n) => partitionName(resource, n));
    const { active, nextChangeMs } = activeInstances(views, ctx.nowMs, resourceDelayMs(record, snapshot.settings));
    rerunAtMs = minDefined(rerunAtMs, nextChangeMs);
    const assignment = assignResource(list, active, previousOwners(record, resource, live), load);
    targets[resource] = assignment;
    partitions[resource] = list;
    const change = await persistAssignment(ctx, resource, record, version, assignment);
    if (change === undefined) continue;
    idealStatesWritten += 1;
    ctx.observer?.assignmentChanged(change);
  }
  return { targets, partitions, idealStatesWritten, ...(rerunAtMs !== undefined ? { rerunAtMs } : {}) };
}

/** PersistAssignment: the best-possible map in the IdealState's mapFields (compare-and-set); what changed when it wrote. */
async function persistAssignment(
  ctx: PipelineContext, resource: string, record: ZNRecord, version: number, assignment: ResourceAssignment,
): Promise<AssignmentChange | undefined> {
  const next = cloneRecord(record);
  next.mapFields = {};
  for (const [p, owner] of Object.entries(assignment)) next.mapFields[p] = { [owner]: PartitionState.ONLINE };
  if (recordsEqual(next, record)) return undefined;
  // BAD_VERSION (someone edited the queue) fails the run; the watch re-runs it on fresh data.
  await ctx.zk.set(ctx.paths.idealState(resource), serializeRecord(next), version);
  return assignmentChange(resource, idealOwners(record), assignment);
}

/** partition → its ONLINE owner in an ideal state's mapFields. */
function idealOwners(record: ZNRecord): ResourceAssignment {
  const owners: ResourceAssignment = {};
  for (const [p, states] of Object.entries(record.mapFields)) {
    const owner = Object.keys(states).find((i) => states[i] === PartitionState.ONLINE);
    if (owner !== undefined) owners[p] = owner;
  }
  return owners;
}

async function dispatch(ctx: PipelineContext, transitions: readonly PlannedTransition[]): Promise<void> {
  if (transitions.length === 0) return;
  const ops: ZkOp[] = transitions.map((t) => {
    const message = transitionMessage({
      srcName: ctx.controllerName,
      srcSessionId: ctx.zk.sessionId(),
      tgtName: t.instance,
      tgtSessionId: t.sessionId,
      resource: t.resource,
      partition: t.partition,
      fromState: t.fromState,
      toState: t.toState,
      nowMs: ctx.nowMs,
    });
    return { op: 'create', path: ctx.paths.message(t.instance, message.id), data: serializeRecord(message) };
  });
  // One multi per run: all of this run's messages land together, or none (then the next run retries).
  await ctx.zk.multi(ops);
}

async function recordOfflineTimes(ctx: PipelineContext, snapshot: ClusterSnapshot): Promise<void> {
  for (const i of snapshot.instances.values()) {
    if (!i.justWentOffline) continue;
    await updateRecord(ctx.zk, ctx.paths.instanceHistory(i.name), (current) => {
      const next = current ? cloneRecord(current) : newRecord(i.name);
      if (next.simpleFields.LAST_OFFLINE_TIME !== '-1') return undefined;
      next.simpleFields.LAST_OFFLINE_TIME = String(ctx.nowMs);
      return next;
    });
  }
}

async function deleteStaleMessages(ctx: PipelineContext, live: readonly InstanceSnapshot[]): Promise<void> {
  for (const i of live) for (const id of i.staleMessageIds) await deleteIfExists(ctx.zk, ctx.paths.message(i.name, id));
}

async function writeExternalViews(ctx: PipelineContext, snapshot: ClusterSnapshot, live: readonly InstanceSnapshot[]): Promise<void> {
  for (const [resource, { record }] of snapshot.idealStates) {
    const ev = computeExternalView(resource, record, live);
    const current = snapshot.externalViews.get(resource);
    if (current && recordsEqual(current, ev)) continue;
    const path = ctx.paths.externalView(resource);
    if (current) await ctx.zk.set(path, serializeRecord(ev));
    else await ctx.zk.create(path, serializeRecord(ev)).catch(() => ctx.zk.set(path, serializeRecord(ev)));
  }
  for (const resource of snapshot.externalViews.keys()) {
    if (!snapshot.idealStates.has(resource)) await deleteIfExists(ctx.zk, ctx.paths.externalView(resource));
  }
}
