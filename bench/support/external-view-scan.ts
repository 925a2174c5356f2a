/**
 * Reading a Pacer cluster's external views from outside, for benchmarks: which live instance
 * holds each partition ONLINE, and bounded waits until every partition of a set of queues is
 * served (ONLINE on exactly one live instance) or the cluster is balanced. The waits follow the
 * views through their watches (external-view-watch.ts: one read per view written, not a read of
 * every view every round); one queue's creation is polled.
 *
 * A wait's time is ZooKeeper's: when the external view that completed the condition was written
 * (its node's mtime, set by the server on this machine, the clock `Date.now()` reads), not when the
 * bench happened to see it. It is an upper bound: a view read with the condition true was written
 * at or after the moment the condition became true.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import type { HelixPaths } from '../../pacer/src/coordination/helix-paths';
import { childrenOrEmpty } from '../../pacer/src/coordination/record-store';
import { readQueueView, type ExternalViewWatch, type QueueOwners, type QueueView } from './external-view-watch';

export interface ScanTarget {
  readonly zk: ZkClient;
  readonly paths: HelixPaths;
  readonly partitionsPerQueue: number;
}

export interface WaitBounds {
  readonly what: string;
  /** Measured from here (ms, Date.now()). */
  readonly startMs: number;
  readonly timeoutMs: number;
  /** Longest wait for a change before the condition is checked again (the live instances are read, not watched). */
  readonly pauseMs: number;
}

export async function liveInstances(t: ScanTarget): Promise<Set<string>> {
  return new Set(await childrenOrEmpty(t.zk, t.paths.liveInstances()));
}

export async function queueOwners(t: ScanTarget, queue: string): Promise<QueueOwners> {
  return (await readQueueView(t, queue))?.owners ?? new Map();
}

/** The latest write among `views` (ms), at least `floorMs`. */
function latestWrite(views: Iterable<QueueView>, floorMs: number): number {
  let latest = floorMs;
  for (const v of views) latest = Math.max(latest, v.writtenMs);
  return latest;
}

/** Every partition ONLINE on exactly one instance, that one live and not `excluded`. */
export function queueServed(owners: QueueOwners, partitions: number, live: ReadonlySet<string>, excluded?: string): boolean {
  if (owners.size !== partitions) return false;
  for (const list of owners.values()) {
    const [only] = list;
    if (list.length !== 1 || only === undefined || !live.has(only) || only === excluded) return false;
  }
  return true;
}

/** ONLINE partitions per live instance (0 for a live instance holding none). */
export function partitionsPerInstance(owners: ReadonlyMap<string, QueueOwners>, live: ReadonlySet<string>): Map<string, number> {
  const counts = new Map([...live].map((i) => [i, 0]));
  for (const q of owners.values()) {
    for (const list of q.values()) for (const i of list) if (counts.has(i)) counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  return counts;
}

/**
 * Every partition served, and within every queue each live instance holding floor or ceil of its
 * partitions / live instances: the balance the assignment guarantees (assignment.ts: per resource,
 * counts differ by at most one; the extra slots go to the instances that keep the most, so the
 * cluster-wide counts may differ by more, e.g. a newcomer gets one partition of each 4-partition queue).
 */
export function balanced(owners: ReadonlyMap<string, QueueOwners>, t: ScanTarget, live: ReadonlySet<string>): boolean {
  const [low, high] = [Math.floor(t.partitionsPerQueue / live.size), Math.ceil(t.partitionsPerQueue / live.size)];
  for (const q of owners.values()) {
    if (!queueServed(q, t.partitionsPerQueue, live)) return false;
    const counts = partitionsPerInstance(new Map([['', q]]), live);
    if (![...counts.values()].every((n) => n >= low && n <= high)) return false;
  }
  return true;
}

function overdue(bounds: WaitBounds, detail: () => string): void {
  if (Date.now() - bounds.startMs > bounds.timeoutMs) throw new Error(`gave up waiting for ${bounds.what} after ${bounds.timeoutMs} ms: ${detail()}`);
}

/**
 * Waits until every queue of `views` is served (outside `excluded`); resolves with the ms from
 * `startMs` to the write of the view that served the last one (module comment).
 */
export async function waitAllServed(t: ScanTarget, views: ExternalViewWatch, bounds: WaitBounds, excluded?: string): Promise<number> {
  for (;;) {
    const live = await liveInstances(t);
    const current = await views.refresh();
    const pending = views.queues.filter((q) => !queueServed(current.get(q)?.owners ?? new Map(), t.partitionsPerQueue, live, excluded));
    if (pending.length === 0) return latestWrite(current.values(), bounds.startMs) - bounds.startMs;
    overdue(bounds, () => `${pending.length} of ${views.queues.length} queues not served yet (e.g. ${pending.slice(0, 3).join(', ')})`);
    await views.changed(bounds.pauseMs);
  }
}

/**
 * Waits until `balanced` holds over the queues of `views`; resolves with the ms from `startMs` to
 * the latest write among the views that showed it (module comment), and the ONLINE partitions per
 * live instance then (cluster-wide).
 */
export async function waitBalanced(t: ScanTarget, views: ExternalViewWatch, bounds: WaitBounds): Promise<{ ms: number; perInstance: Record<string, number> }> {
  for (;;) {
    const live = await liveInstances(t);
    const current = await views.refresh();
    const owners = new Map([...current].map(([q, v]) => [q, v.owners]));
    const perInstance = (): Record<string, number> => Object.fromEntries(partitionsPerInstance(owners, live));
    if (balanced(owners, t, live)) return { ms: latestWrite(current.values(), bounds.startMs) - bounds.startMs, perInstance: perInstance() };
    overdue(bounds, () => `ONLINE partitions per live instance: ${JSON.stringify(perInstance())}`);
    await views.changed(bounds.pauseMs);
  }
}

/** Polls one queue's external view until it is served; resolves with the ms from `startMs`. */
export async function waitQueueServed(t: ScanTarget, queue: string, live: ReadonlySet<string>, bounds: WaitBounds): Promise<number> {
  for (;;) {
    if (queueServed(await queueOwners(t, queue), t.partitionsPerQueue, live)) return Date.now() - bounds.startMs;
    overdue(bounds, () => `queue ${queue} not served`);
    await sleep(bounds.pauseMs);
  }
}
