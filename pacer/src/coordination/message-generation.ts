/**
 * MessageGeneration + MessageThrottle (pure): compares the best-possible assignment with current
 * states and pending messages, and picks the next OnlineOffline transition per partition.
 *
 * The two-phase hand-off that keeps one owner per partition:
 * - an instance that holds a partition ONLINE but is not its target gets ONLINE→OFFLINE;
 * - the target gets OFFLINE→ONLINE only when NO other live instance holds the partition ONLINE
 *   (or in ERROR) and no transition for it is pending anywhere. An owner whose session is gone
 *   is no longer live, so its partitions are free at once.
 * - partitions that left the ideal state (queue deleted or shrunk) go OFFLINE, then DROPPED.
 * Throttle: pending messages count against `maxInTransition`; recoveries (a partition coming
 * ONLINE, i.e. unserved now) go first, then hand-offs (ONLINE→OFFLINE), then drops. As Helix's
 * throttle configs of a REBALANCE_TYPE, `maxByType` bounds one kind on top: RECOVERY_BALANCE the
 * transitions to ONLINE, LOAD_BALANCE the rest (pending ones counted by their target state too).
 * A transition held back by its kind's bound leaves room for the other kind.
 */
import { PartitionState, type TypedRebalance } from './helix-records';
import type { InstanceSnapshot } from './cluster-data';

export interface PlannedTransition {
  readonly instance: string;
  readonly sessionId: string;
  readonly resource: string;
  readonly partition: string;
  readonly fromState: string;
  readonly toState: string;
}

export interface GenerationInput {
  /** resource → partition → target instance (partitions without a target have none). */
  readonly targets: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
  /** resource → its partitions in the ideal state. */
  readonly partitions: Readonly<Record<string, readonly string[]>>;
  readonly live: readonly InstanceSnapshot[];
  readonly maxInTransition: number;
  /** Bounds of one kind of transition on top of `maxInTransition` (ClusterSettings.maxByRebalanceType). */
  readonly maxByType?: Readonly<Partial<Record<TypedRebalance, number>>>;
  readonly nowMs: number;
  /** A partition that ended in ERROR is retried after this long. */
  readonly errorRetryMs: number;
  /** Plan only these resources (an incremental run); every resource when absent. */
  readonly scope?: ReadonlySet<string>;
}

export interface GenerationResult {
  readonly transitions: PlannedTransition[];
  /** Transitions held back by the throttle (the pipeline runs again when messages complete). */
  readonly throttled: number;
  /** Earliest time an ERROR retry becomes due. */
  readonly retryAtMs?: number;
  /** Resources with a transition held back (throttled, or an ERROR retry not yet due): plan them again next run. */
  readonly deferredResources: string[];
}

const PRIORITY: Readonly<Record<string, number>> = { ONLINE: 0, OFFLINE: 1, DROPPED: 2 };

interface PartitionView {
  readonly holders: InstanceSnapshot[];
  readonly pendingSomewhere: boolean;
}

/** instance name → keys (resource, partition) of its pending messages. */
type PendingIndex = ReadonlyMap<string, ReadonlySet<string>>;

function key(resource: string, partition: string): string {
  return `${resource}\u0000${partition}`;
}

function stateOf(i: InstanceSnapshot, resource: string, partition: string): string {
  return i.currentStates[resource]?.[partition]?.state ?? PartitionState.OFFLINE;
}

function pendingIndex(live: readonly InstanceSnapshot[]): PendingIndex {
  return new Map(live.map((i) => [i.name, new Set(i.pendingMessages.map((m) => key(m.resource, m.partition)))]));
}

function hasPending(pending: PendingIndex, i: InstanceSnapshot, resource: string, partition: string): boolean {
  return pending.get(i.name)?.has(key(resource, partition)) ?? false;
}

function allPartitions(input: GenerationInput): Map<string, { resource: string; partition: string }> {
  const out = new Map<string, { resource: string; partition: string }>();
  const add = (resource: string, partition: string): void => {
    out.set(key(resource, partition), { resource, partition });
  };
  const resources = input.scope ?? new Set([
    ...Object.keys(input.partitions),
    ...input.live.flatMap((i) => [...Object.keys(i.currentStates), ...i.pendingMessages.map((m) => m.resource)]),
  ]);
  for (const resource of resources) {
    for (const partition of input.partitions[resource] ?? []) add(resource, partition);
    for (const i of input.live) for (const partition of Object.keys(i.currentStates[resource] ?? {})) add(resource, partition);
  }
  for (const i of input.live) for (const m of i.pendingMessages) if (resources.has(m.resource)) add(m.resource, m.partition);
  return out;
}

function view(input: GenerationInput, pending: PendingIndex, resource: string, partition: string): PartitionView {
  const holders = input.live.filter((i) => {
    const s = stateOf(i, resource, partition);
    return s === PartitionState.ONLINE || s === PartitionState.ERROR;
  });
  return { holders, pendingSomewhere: input.live.some((i) => hasPending(pending, i, resource, partition)) };
}

function plan(input: GenerationInput, pending: PendingIndex, resource: string, partition: string, retry: { at?: number; resources: Set<string> }): PlannedTransition[] {
  const out: PlannedTransition[] = [];
  const inIdealState = input.partitions[resource]?.includes(partition) ?? false;
  const target = inIdealState ? input.targets[resource]?.[partition] : undefined;
  const { holders, pendingSomewhere } = view(input, pending, resource, partition);
  const make = (i: InstanceSnapshot, toState: string): PlannedTransition => ({
    instance: i.name,
    sessionId: i.sessionId ?? '',
    resource,
    partition,
    fromState: stateOf(i, resource, partition),
    toState,
  });
  for (const i of input.live) {
    if (hasPending(pending, i, resource, partition)) continue;
    const s = stateOf(i, resource, partition);
    const held = s === PartitionState.ONLINE || s === PartitionState.ERROR;
    if (held && i.name !== target) out.push(make(i, PartitionState.OFFLINE));
    else if (!inIdealState && s === PartitionState.OFFLINE && i.currentStates[resource]?.[partition]) out.push(make(i, PartitionState.DROPPED));
  }
  const t = input.live.find((i) => i.name === target);
  if (!t || pendingSomewhere || holders.some((h) => h.name !== t.name)) return out;
  const s = stateOf(t, resource, partition);
  if (s === PartitionState.ONLINE) return out;
  if (s === PartitionState.ERROR) {
    const due = (t.currentStates[resource]?.[partition]?.endTimeMs ?? 0) + input.errorRetryMs;
    if (due > input.nowMs) {
      retry.at = retry.at === undefined ? due : Math.min(retry.at, due);
      retry.resources.add(resource);
      return out;
    }
  }
  out.push(make(t, PartitionState.ONLINE));
  return out;
}

/** The kind of rebalance a transition is, for the throttle: bringing a partition ONLINE recovers it. */
function rebalanceTypeOf(toState: string): TypedRebalance {
  return toState === PartitionState.ONLINE ? 'RECOVERY_BALANCE' : 'LOAD_BALANCE';
}

/** Room left under the throttle, in total and per kind (pending messages counted). */
class ThrottleBudget {
  private any: number;
  private readonly byType: Partial<Record<TypedRebalance, number>>;

  constructor(input: GenerationInput) {
    const pending = input.live.flatMap((i) => i.pendingMessages);
    this.any = Math.max(0, input.maxInTransition - pending.length);
    this.byType = {};
    for (const [type, max] of Object.entries(input.maxByType ?? {}) as Array<[TypedRebalance, number]>) {
      this.byType[type] = Math.max(0, max - pending.filter((m) => rebalanceTypeOf(m.toState) === type).length);
    }
  }

  /** No transition of any kind can be sent. */
  get exhausted(): boolean {
    return this.any === 0 || (this.byType.RECOVERY_BALANCE === 0 && this.byType.LOAD_BALANCE === 0);
  }

  /** Takes room for one transition to `toState`; false when its kind or the total is full. */
  take(toState: string): boolean {
    const type = rebalanceTypeOf(toState);
    const left = this.byType[type];
    if (this.any === 0 || left === 0) return false;
    this.any -= 1;
    if (left !== undefined) this.byType[type] = left - 1;
    return true;
  }
}

export function generateTransitions(input: GenerationInput): GenerationResult {
  const budget = new ThrottleBudget(input);
  // An incremental run with no room: nothing could be sent, so plan nothing and keep it all for later.
  if (budget.exhausted && input.scope !== undefined) return { transitions: [], throttled: 0, deferredResources: [...input.scope].sort() };
  const retry: { at?: number; resources: Set<string> } = { resources: new Set() };
  const pending = pendingIndex(input.live);
  const wanted: PlannedTransition[] = [];
  for (const { resource, partition } of allPartitions(input).values()) wanted.push(...plan(input, pending, resource, partition, retry));
  wanted.sort((a, b) => (PRIORITY[a.toState] ?? 9) - (PRIORITY[b.toState] ?? 9) || (a.partition < b.partition ? -1 : 1));
  const deferred = new Set(retry.resources);
  const transitions: PlannedTransition[] = [];
  for (const t of wanted) {
    if (budget.take(t.toState)) transitions.push(t);
    else deferred.add(t.resource);
  }
  return {
    transitions,
    throttled: wanted.length - transitions.length,
    deferredResources: [...deferred].sort(),
    ...(retry.at !== undefined ? { retryAtMs: retry.at } : {}),
  };
}
