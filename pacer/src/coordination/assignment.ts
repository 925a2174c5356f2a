/**
 * The best-possible assignment of a FULL_AUTO OnlineOffline resource with one replica (pure).
 *
 * - Balanced: per resource, partition counts of active instances differ by at most one; the
 *   extra partitions go to the instances with the least load across resources already placed,
 *   so the cluster-wide skew stays small too (CRUSH-ed's "card dealing", MODEL §2.7).
 * - Sticky and minimal: a partition stays on its previous owner while that owner is active and
 *   under its quota; the quota's extra slots go to the instances that keep the most, so the
 *   number of moved partitions is the minimum any balanced assignment needs.
 * - Delayed rebalance: an enabled instance that went offline less than `delayMs` ago stays active
 *   (its partitions wait for it), as Helix's DelayedAutoRebalancer does.
 */

export interface InstanceView {
  readonly name: string;
  readonly live: boolean;
  readonly enabled: boolean;
  /** When the instance was last seen going offline (ParticipantHistory LAST_OFFLINE_TIME). */
  readonly offlineSinceMs?: number;
}

export interface ActiveSet {
  /** Sorted names of the instances partitions may be assigned to. */
  readonly active: string[];
  /** When a delayed instance stops counting as active: run the pipeline again then. */
  readonly nextChangeMs?: number;
}

export function activeInstances(instances: readonly InstanceView[], nowMs: number, delayMs: number): ActiveSet {
  const active: string[] = [];
  let nextChangeMs: number | undefined;
  for (const i of instances) {
    if (!i.enabled) continue;
    if (i.live) {
      active.push(i.name);
      continue;
    }
    if (delayMs <= 0 || i.offlineSinceMs === undefined) continue;
    const until = i.offlineSinceMs + delayMs;
    if (until > nowMs) {
      active.push(i.name);
      nextChangeMs = nextChangeMs === undefined ? until : Math.min(nextChangeMs, until);
    }
  }
  return { active: active.sort(), ...(nextChangeMs !== undefined ? { nextChangeMs } : {}) };
}

/** partition → instance. */
export type ResourceAssignment = Record<string, string>;

function partitionIndex(name: string): number {
  const n = Number(name.slice(name.lastIndexOf('_') + 1));
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}

function byPartition(a: string, b: string): number {
  return partitionIndex(a) - partitionIndex(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function quotas(instances: readonly string[], kept: ReadonlyMap<string, string[]>, total: number, load: ReadonlyMap<string, number>): Map<string, number> {
  const base = Math.floor(total / instances.length);
  const extra = total % instances.length;
  const order = [...instances].sort(
    (a, b) =>
      (kept.get(b)?.length ?? 0) - (kept.get(a)?.length ?? 0) ||
      (load.get(a) ?? 0) - (load.get(b) ?? 0) ||
      (a < b ? -1 : a > b ? 1 : 0),
  );
  return new Map(order.map((name, rank) => [name, base + (rank < extra ? 1 : 0)]));
}

/**
 * Assigns one resource's partitions to `active` instances. `previous` maps partitions to their
 * last owner; `load` (instance → partitions of other resources) is read and then updated.
 */
export function assignResource(
  partitions: readonly string[],
  active: readonly string[],
  previous: Readonly<Record<string, string | undefined>>,
  load: Map<string, number> = new Map(),
): ResourceAssignment {
  if (active.length === 0 || partitions.length === 0) return {};
  const activeSet = new Set(active);
  const kept = new Map<string, string[]>(active.map((i) => [i, []]));
  const free: string[] = [];
  for (const p of [...partitions].sort(byPartition)) {
    const owner = previous[p];
    if (owner !== undefined && activeSet.has(owner)) kept.get(owner)?.push(p);
    else free.push(p);
  }
  const quota = quotas(active, kept, partitions.length, load);
  for (const [instance, list] of kept) {
    const over = list.length - (quota.get(instance) ?? 0);
    if (over > 0) free.push(...list.splice(list.length - over, over));
  }
  const result: ResourceAssignment = {};
  for (const [instance, list] of kept) for (const p of list) result[p] = instance;
  for (const p of free.sort(byPartition)) {
    const target = pickUnderQuota(active, kept, quota, load);
    kept.get(target)?.push(p);
    result[p] = target;
  }
  for (const [instance, list] of kept) load.set(instance, (load.get(instance) ?? 0) + list.length);
  return result;
}

function pickUnderQuota(active: readonly string[], kept: ReadonlyMap<string, string[]>, quota: ReadonlyMap<string, number>, load: ReadonlyMap<string, number>): string {
  let best: string | undefined;
  let bestRoom = 0;
  for (const i of active) {
    const room = (quota.get(i) ?? 0) - (kept.get(i)?.length ?? 0);
    if (room <= 0) continue;
    if (best === undefined || room > bestRoom || (room === bestRoom && (load.get(i) ?? 0) < (load.get(best) ?? 0))) {
      best = i;
      bestRoom = room;
    }
  }
  if (best === undefined) throw new Error('assignResource: quotas do not cover the partitions');
  return best;
}

export interface ResourceInput {
  readonly resource: string;
  readonly partitions: readonly string[];
  readonly previous: Readonly<Record<string, string | undefined>>;
}

/** Assigns every resource, in name order, sharing the cross-resource load. */
export function assignCluster(resources: readonly ResourceInput[], active: readonly string[]): Record<string, ResourceAssignment> {
  const load = new Map<string, number>();
  const out: Record<string, ResourceAssignment> = {};
  for (const r of [...resources].sort((a, b) => (a.resource < b.resource ? -1 : 1))) {
    out[r.resource] = assignResource(r.partitions, active, r.previous, load);
  }
  return out;
}

/** Number of partitions whose owner differs between two assignments (added/removed ones aside). */
export function countMoves(before: ResourceAssignment, after: ResourceAssignment): number {
  let moves = 0;
  for (const [p, owner] of Object.entries(after)) if (before[p] !== undefined && before[p] !== owner) moves++;
  return moves;
}
