/**
 * One run of the controller pipeline (MODEL §2.6), executed only by the leader:
 * ReadClusterData (the watch-refreshed cache) → BestPossibleStateCalc (sticky balanced, delayed)
 * → MessageGeneration → MessageThrottle → ResourceMessageDispatch → PersistAssignment, then
 * ExternalViewCompute. Also records LAST_OFFLINE_TIME for instances that went away and deletes
 * stale messages.
 *
 * Incremental: a run works on the resources the cache reports changed (ideal state, current
 * states or messages), plus those the previous run deferred (throttled transitions, ERROR
 * retries), unless something every resource depends on changed (instances, their liveness or
 * configs, the cluster settings, the set of active instances): then on all of them. Of those,
 * only the ones whose ideal state changed get a new assignment; the others keep the one their
 * ideal state holds. The result is the same as a whole-cluster run's, because an assignment the
 * pipeline wrote is its own fixed point while the active instances stay the same (assignment.ts:
 * sticky, balanced).
 */
import { activeInstances, assignResource, type ActiveSet, type InstanceView, type ResourceAssignment } from './assignment';
import { assignmentChange, type AssignmentChange } from './assignment-change';
import type { ClusterDataCache } from './cluster-data-cache';
import type { ClusterSnapshot, InstanceSnapshot } from './cluster-data';
import { computeExternalView } from './external-view';
import { readTransition, transitionMessage, type TransitionMessage } from './helix-message';
import { instanceEnabled, numPartitions, PartitionState, resourceDelayMs } from './helix-records';
import { partitionName, type HelixPaths } from './helix-paths';
import { generateTransitions, type PlannedTransition } from './message-generation';
import { deleteIfExists, updateRecord } from './record-store';
import type { Clock } from '../../../core/src/util/clock';
import type { ZkClient, ZkOp } from '../../../core/src/zookeeper/zk-client';
import { cloneRecord, newRecord, recordsEqual, serializeRecord, type ZNRecord } from './zn-record';

export interface PipelineInput {
  readonly zk: ZkClient;
  readonly paths: HelixPaths;
  readonly controllerName: string;
  readonly clock: Clock;
  /** The leader's cluster data, kept by watches on `zk` (cluster-data-cache.ts). */
  readonly cache: ClusterDataCache;
  /** What one run leaves the next (reset with the cache: `newPipelineMemory()`). */
  readonly memory: PipelineMemory;
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

/** Carried from one run to the next. */
export interface PipelineMemory {
  /** delay (ms) → the active instances the last run assigned with (a change re-assigns every resource). */
  activeSets: Map<number, string>;
  /** Resources the last run deferred (throttled transitions, ERROR retries not yet due). */
  deferred: Set<string>;
}

export function newPipelineMemory(): PipelineMemory {
  return { activeSets: new Map(), deferred: new Set() };
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
  /** Resources this run worked on (all of them, or those that changed). */
  readonly resourcesExamined: number;
  /** Where the run's time went, ms (the controller's debug log line per run). */
  readonly phasesMs?: PipelinePhases;
}

/** ms per stage of one run: the cache's refresh, planning, messages, ideal states, external views. */
export interface PipelinePhases {
  readonly read: number;
  readonly plan: number;
  readonly dispatch: number;
  readonly persist: number;
  readonly externalViews: number;
}

/** The resources a run works on: every one, or the changed and deferred ones. */
interface RunScope {
  readonly all: boolean;
  readonly resources: ReadonlySet<string>;
}

export async function runPipeline(input: PipelineInput): Promise<PipelineResult> {
  const lap = stopwatch(input.clock);
  const snapshot = await input.cache.snapshot();
  const read = lap();
  input.observer?.liveInstances(liveSessionsOf(snapshot));
  if (snapshot.paused) return { messagesSent: 0, throttled: 0, paused: true, idealStatesWritten: 0, resourcesExamined: 0 };
  // The run's time is taken AFTER the read: an instance seen gone went away before this instant,
  // so LAST_OFFLINE_TIME (and the delayed-rebalance window counted from it) never starts before
  // the instance actually left. Read before, a slow read under load started the window early.
  const { clock, ...rest } = input;
  const ctx: PipelineContext = { ...rest, nowMs: clock.nowMs() };
  const live = [...snapshot.instances.values()].filter((i) => i.sessionId !== undefined);
  await recordOfflineTimes(ctx, snapshot);
  await deleteStaleMessages(ctx, live);
  const actives = activeSetsByDelay(ctx, snapshot);
  const scope = runScope(ctx, snapshot, actives);
  const { targets, partitions, writes } = bestPossible(snapshot, actives, scope);
  const generated = generateTransitions({
    targets,
    partitions,
    live,
    maxInTransition: snapshot.settings.maxPartitionsInTransition,
    maxByType: snapshot.settings.maxByRebalanceType,
    nowMs: ctx.nowMs,
    errorRetryMs: ctx.errorRetryMs,
    ...(scope.all ? {} : { scope: scope.resources }),
  });
  ctx.memory.deferred = new Set(generated.deferredResources);
  const plan = lap();
  // Messages first: brokers start on unserved partitions while the assignment is persisted (as
  // Helix's TaskAssignment before PersistAssignment). A leader that dies in between leaves messages
  // a successor reconciles: it reads current states and pending messages, and the two-phase
  // hand-off keeps one owner per partition whatever the ideal state says.
  await dispatch(ctx, generated.transitions);
  const dispatched = lap();
  await persistAssignments(ctx, writes);
  const persist = lap();
  const idealStatesWritten = writes.length;
  await writeExternalViews(ctx, snapshot, live, scope.all ? undefined : snapshot.changes.resources);
  const phasesMs: PipelinePhases = { read, plan, dispatch: dispatched, persist, externalViews: lap() };
  const delayEnd = [...actives.values()].reduce<number | undefined>((m, a) => minDefined(m, a.nextChangeMs), undefined);
  const rerunAtMs = minDefined(delayEnd, generated.retryAtMs);
  return {
    messagesSent: generated.transitions.length,
    throttled: generated.throttled,
    paused: false,
    idealStatesWritten,
    resourcesExamined: scope.all ? snapshot.idealStates.size : scope.resources.size,
    phasesMs,
    ...(rerunAtMs !== undefined ? { rerunAtMs } : {}),
  };
}

/** Each call returns the ms since the previous one (or since the stopwatch was made). */
function stopwatch(clock: Clock): () => number {
  let last = clock.nowMs();
  return () => {
    const now = clock.nowMs();
    const ms = now - last;
    last = now;
    return ms;
  };
}

/** The active instances for each distinct rebalance delay of the cluster's resources. */
function activeSetsByDelay(ctx: PipelineContext, snapshot: ClusterSnapshot): Map<number, ActiveSet> {
  const views = instanceViews(snapshot, ctx.nowMs);
  const out = new Map<number, ActiveSet>();
  for (const { record } of snapshot.idealStates.values()) {
    const delay = resourceDelayMs(record, snapshot.settings);
    if (!out.has(delay)) out.set(delay, activeInstances(views, ctx.nowMs, delay));
  }
  return out;
}

/** Every resource when the cache says so or an active set changed since the last run; else the changed and deferred ones. */
function runScope(ctx: PipelineContext, snapshot: ClusterSnapshot, actives: ReadonlyMap<number, ActiveSet>): RunScope {
  let all = snapshot.changes.all;
  const next = new Map([...actives].map(([delay, a]) => [delay, a.active.join('\u0000')]));
  for (const [delay, names] of next) if (ctx.memory.activeSets.get(delay) !== names) all = true;
  ctx.memory.activeSets = next;
  return { all, resources: new Set([...snapshot.changes.resources, ...ctx.memory.deferred]) };
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

function bestPossible(
  snapshot: ClusterSnapshot,
  actives: ReadonlyMap<number, ActiveSet>,
  scope: RunScope,
): { targets: Record<string, ResourceAssignment>; partitions: Record<string, string[]>; writes: IdealStateWrite[] } {
  const live = [...snapshot.instances.values()].filter((i) => i.sessionId !== undefined);
  const work = [...snapshot.idealStates.keys()].filter((r) => scope.all || snapshot.changes.idealStates.has(r)).sort();
  // Partitions of the resources not worked on count as placed where their ideal state has them.
  const load = scope.all ? new Map<string, number>() : loadOutside(snapshot, new Set(work));
  const targets: Record<string, ResourceAssignment> = {};
  const partitions: Record<string, string[]> = {};
  const writes: IdealStateWrite[] = [];
  for (const resource of work) {
    const found = snapshot.idealStates.get(resource);
    if (!found) continue;
    const { record, version } = found;
    const list = Array.from({ length: numPartitions(record) }, (_, n) => partitionName(resource, n));
    const active = actives.get(resourceDelayMs(record, snapshot.settings))?.active ?? [];
    const assignment = assignResource(list, active, previousOwners(record, resource, live), load);
    targets[resource] = assignment;
    partitions[resource] = list;
    const write = assignmentWrite(resource, record, version, assignment);
    if (write) writes.push(write);
  }
  // The rest of the run's scope keeps the assignment its ideal state holds.
  for (const resource of scope.resources) {
    const found = snapshot.idealStates.get(resource);
    if (!found || resource in targets) continue;
    targets[resource] = idealOwners(found.record);
    partitions[resource] = Array.from({ length: numPartitions(found.record) }, (_, n) => partitionName(resource, n));
  }
  return { targets, partitions, writes };
}

/** instance → partitions its ideal-state assignments hold, over the resources outside `work`. */
function loadOutside(snapshot: ClusterSnapshot, work: ReadonlySet<string>): Map<string, number> {
  const load = new Map<string, number>();
  for (const [resource, { record }] of snapshot.idealStates) {
    if (work.has(resource)) continue;
    for (const [owner, n] of ownerCounts(record)) load.set(owner, (load.get(owner) ?? 0) + n);
  }
  return load;
}

/** Per record object, as idealOwners. */
const ownerCountsOf = new WeakMap<ZNRecord, ReadonlyMap<string, number>>();

/** instance → partitions an ideal state assigns it. */
function ownerCounts(record: ZNRecord): ReadonlyMap<string, number> {
  let counts = ownerCountsOf.get(record);
  if (!counts) {
    const m = new Map<string, number>();
    for (const owner of Object.values(idealOwners(record))) m.set(owner, (m.get(owner) ?? 0) + 1);
    ownerCountsOf.set(record, m);
    counts = m;
  }
  return counts;
}

interface IdealStateWrite {
  readonly resource: string;
  readonly next: ZNRecord;
  readonly version: number;
  readonly change: AssignmentChange;
}

/** The ideal state with the best-possible map in its mapFields, when that differs from what is stored. */
function assignmentWrite(resource: string, record: ZNRecord, version: number, assignment: ResourceAssignment): IdealStateWrite | undefined {
  if (holdsExactly(record, assignment)) return undefined;
  const next = cloneRecord(record);
  next.mapFields = {};
  for (const [p, owner] of Object.entries(assignment)) next.mapFields[p] = { [owner]: PartitionState.ONLINE };
  if (recordsEqual(next, record)) return undefined;
  return { resource, next, version, change: assignmentChange(resource, idealOwners(record), assignment) };
}

/** The ideal state's mapFields are exactly `assignment` (each partition ONLINE on its one owner). */
function holdsExactly(record: ZNRecord, assignment: ResourceAssignment): boolean {
  const partitions = Object.keys(record.mapFields);
  if (partitions.length !== Object.keys(assignment).length) return false;
  for (const p of partitions) {
    const states = record.mapFields[p] ?? {};
    const owner = assignment[p];
    const holders = Object.keys(states);
    if (owner === undefined || holders.length !== 1 || holders[0] !== owner || states[owner] !== PartitionState.ONLINE) return false;
  }
  return true;
}

/** Ideal-state writes per multi (a fleet's rebalance rewrites thousands; ZooKeeper refuses requests over 1 MB). */
const IDEAL_STATES_PER_MULTI = 100;

/**
 * PersistAssignment: compare-and-set of every changed ideal state, in multis. BAD_VERSION (someone
 * edited the queue) fails the run after the multis before it landed; the watch re-runs it on
 * fresh data. The observer hears of each change right after its multi landed.
 */
async function persistAssignments(ctx: PipelineContext, writes: readonly IdealStateWrite[]): Promise<void> {
  for (let i = 0; i < writes.length; i += IDEAL_STATES_PER_MULTI) {
    const chunk = writes.slice(i, i + IDEAL_STATES_PER_MULTI);
    const results = await ctx.zk.multi(chunk.map((w) => ({ op: 'set', path: ctx.paths.idealState(w.resource), data: serializeRecord(w.next), version: w.version })));
    for (const [n, w] of chunk.entries()) {
      const result = results[n];
      if (result?.op === 'set') ctx.cache.wroteIdealState(w.resource, w.next, result.stat.version);
      ctx.observer?.assignmentChanged(w.change);
    }
  }
}

/** partition → its ONLINE owner in an ideal state's mapFields. */
function idealOwners(record: ZNRecord): Readonly<ResourceAssignment> {
  let owners = idealOwnersOf.get(record);
  if (!owners) {
    const found: ResourceAssignment = {};
    for (const [p, states] of Object.entries(record.mapFields)) {
      const owner = Object.keys(states).find((i) => states[i] === PartitionState.ONLINE);
      if (owner !== undefined) found[p] = owner;
    }
    idealOwnersOf.set(record, found);
    owners = found;
  }
  return owners;
}

/** Per record object (cached records are replaced, never changed): read by every run for every queue in scope. */
const idealOwnersOf = new WeakMap<ZNRecord, Readonly<ResourceAssignment>>();

/**
 * Messages per multi: a run's messages go out in multis of this many (ZooKeeper refuses a request
 * over 1 MB; a message is about 0.8 kB). Each multi lands whole or not at all; a failure fails the
 * run after the multis before it landed (recorded in the cache), and the next run plans the rest.
 */
const MESSAGES_PER_MULTI = 200;

async function dispatch(ctx: PipelineContext, transitions: readonly PlannedTransition[]): Promise<void> {
  for (let i = 0; i < transitions.length; i += MESSAGES_PER_MULTI) {
    await dispatchChunk(ctx, transitions.slice(i, i + MESSAGES_PER_MULTI));
  }
}

async function dispatchChunk(ctx: PipelineContext, transitions: readonly PlannedTransition[]): Promise<void> {
  const sent = new Map<string, TransitionMessage[]>();
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
    sent.set(t.instance, [...(sent.get(t.instance) ?? []), readTransition(message)]);
    return { op: 'create', path: ctx.paths.message(t.instance, message.id), data: serializeRecord(message) };
  });
  await ctx.zk.multi(ops);
  for (const [instance, messages] of sent) ctx.cache.sentMessages(instance, messages);
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
    ctx.cache.recordedOffline(i.name, ctx.nowMs);
  }
}

async function deleteStaleMessages(ctx: PipelineContext, live: readonly InstanceSnapshot[]): Promise<void> {
  for (const i of live) {
    for (const id of i.staleMessageIds) {
      await deleteIfExists(ctx.zk, ctx.paths.message(i.name, id));
      ctx.cache.deletedMessage(i.name, id);
    }
  }
}

/** External-view writes per multi. */
const EXTERNAL_VIEWS_PER_MULTI = 100;

interface ExternalViewWrite {
  readonly resource: string;
  /** undefined: delete the view (its queue is gone). */
  readonly ev: ZNRecord | undefined;
  /** The view exists (as far as the cache knows). */
  readonly exists: boolean;
}

/** ExternalViewCompute over every resource, or over `only` (those whose inputs changed); changed views written in multis. */
async function writeExternalViews(
  ctx: PipelineContext, snapshot: ClusterSnapshot, live: readonly InstanceSnapshot[], only: ReadonlySet<string> | undefined,
): Promise<void> {
  const resources = only ?? new Set([...snapshot.idealStates.keys(), ...snapshot.externalViews.keys()]);
  const writes: ExternalViewWrite[] = [];
  for (const resource of [...resources].sort()) {
    const found = snapshot.idealStates.get(resource);
    const current = snapshot.externalViews.get(resource);
    if (!found) {
      if (current !== undefined) writes.push({ resource, ev: undefined, exists: true });
      continue;
    }
    const ev = computeExternalView(resource, found.record, live);
    if (current && recordsEqual(current, ev)) continue;
    writes.push({ resource, ev, exists: current !== undefined });
  }
  for (let i = 0; i < writes.length; i += EXTERNAL_VIEWS_PER_MULTI) await writeViewChunk(ctx, writes.slice(i, i + EXTERNAL_VIEWS_PER_MULTI));
}

/** One multi; if it fails (the cache was wrong about a view existing), each write alone, tolerant. */
async function writeViewChunk(ctx: PipelineContext, chunk: readonly ExternalViewWrite[]): Promise<void> {
  const ops: ZkOp[] = chunk.map(({ resource, ev, exists }) => {
    const path = ctx.paths.externalView(resource);
    if (!ev) return { op: 'delete', path };
    return exists ? { op: 'set', path, data: serializeRecord(ev) } : { op: 'create', path, data: serializeRecord(ev) };
  });
  try {
    await ctx.zk.multi(ops);
  } catch {
    for (const { resource, ev } of chunk) {
      const path = ctx.paths.externalView(resource);
      if (!ev) await deleteIfExists(ctx.zk, path);
      else await ctx.zk.create(path, serializeRecord(ev)).catch(() => ctx.zk.set(path, serializeRecord(ev)));
    }
  }
  for (const { resource, ev } of chunk) ctx.cache.wroteExternalView(resource, ev);
}
