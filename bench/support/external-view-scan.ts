/**
 * Reading a Pacer cluster's external views from outside, for benchmarks: which live instance
 * holds each partition ONLINE, and bounded waits until every partition of a set of queues is
 * served (ONLINE on exactly one live instance) or the cluster is balanced. Reads use the public
 * record helpers only (parseRecord, childrenOrEmpty, onlineOwners), at most `READ_CONCURRENCY`
 * outstanding, so a wait over thousands of queues costs one read per queue per round.
 *
 * A wait's time is ZooKeeper's: when the external view that completed the condition was written
 * (its node's mtime, set by the server on this machine, the clock `Date.now()` reads), not when a
 * round of reads happened to see it, so the figure does not depend on how long a round of
 * thousands of reads takes on a busy machine. It is an upper bound: a view read with the condition
 * true was written at or after the moment the condition became true.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { mapBounded } from '../../core/src/util/map-bounded';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { ZkCode, ZkError } from '../../core/src/zookeeper/zk-error';
import { onlineOwners } from '../../pacer/src/coordination/external-view';
import type { HelixPaths } from '../../pacer/src/coordination/helix-paths';
import { childrenOrEmpty } from '../../pacer/src/coordination/record-store';
import { parseRecord } from '../../pacer/src/coordination/zn-record';

const READ_CONCURRENCY = 64;

/** partition → instances holding it ONLINE (per the external view; empty when it has none). */
export type QueueOwners = ReadonlyMap<string, readonly string[]>;

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
  /** Pause between two rounds of reads. */
  readonly pauseMs: number;
}

export async function liveInstances(t: ScanTarget): Promise<Set<string>> {
  return new Set(await childrenOrEmpty(t.zk, t.paths.liveInstances()));
}

export async function queueOwners(t: ScanTarget, queue: string): Promise<QueueOwners> {
  return (await queueView(t, queue)).owners;
}

/** A queue's external view: its owners, and when ZooKeeper wrote it (ms; 0 when there is none). */
interface QueueView {
  readonly owners: QueueOwners;
  readonly writtenMs: number;
}

async function queueView(t: ScanTarget, queue: string): Promise<QueueView> {
  try {
    const { data, stat } = await t.zk.get(t.paths.externalView(queue));
    return { owners: onlineOwners(parseRecord(data, queue)), writtenMs: stat.mtimeMs };
  } catch (e) {
    if (ZkError.is(e, ZkCode.NO_NODE)) return { owners: new Map(), writtenMs: 0 };
    throw e;
  }
}

async function allViews(t: ScanTarget, queues: readonly string[]): Promise<Map<string, QueueView>> {
  const views = await mapBounded(queues, READ_CONCURRENCY, (q) => queueView(t, q));
  return new Map(queues.map((q, i) => [q, views[i] as QueueView]));
}

export async function allOwners(t: ScanTarget, queues: readonly string[]): Promise<Map<string, QueueOwners>> {
  return new Map([...(await allViews(t, queues))].map(([q, v]) => [q, v.owners]));
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
 * Waits until every queue is served (outside `excluded`); resolves with the ms from `startMs` to
 * the write of the view that served the last one (module comment). Queues already seen served are
 * not read again; a final pass over all of them confirms (and the wait goes on if one has slipped
 * back).
 */
export async function waitAllServed(t: ScanTarget, queues: readonly string[], bounds: WaitBounds, excluded?: string): Promise<number> {
  let pending = [...queues];
  let servedAtMs = bounds.startMs;
  for (;;) {
    const live = await liveInstances(t);
    const views = await allViews(t, pending);
    const served = (v: QueueView | undefined): boolean => queueServed(v?.owners ?? new Map(), t.partitionsPerQueue, live, excluded);
    servedAtMs = latestWrite([...views.values()].filter(served), servedAtMs);
    pending = pending.filter((q) => !served(views.get(q)));
    if (pending.length === 0) {
      const all = await allViews(t, queues);
      pending = queues.filter((q) => !served(all.get(q)));
      if (pending.length === 0) return servedAtMs - bounds.startMs;
    }
    overdue(bounds, () => `${pending.length} of ${queues.length} queues not served yet (e.g. ${pending.slice(0, 3).join(', ')})`);
    await sleep(bounds.pauseMs);
  }
}

/**
 * Waits until `balanced` holds over `queues`; resolves with the ms from `startMs` to the latest
 * write among the views that showed it (module comment), and the ONLINE partitions per live
 * instance then (cluster-wide).
 */
export async function waitBalanced(t: ScanTarget, queues: readonly string[], bounds: WaitBounds): Promise<{ ms: number; perInstance: Record<string, number> }> {
  for (;;) {
    const live = await liveInstances(t);
    const views = await allViews(t, queues);
    const owners = new Map([...views].map(([q, v]) => [q, v.owners]));
    const perInstance = (): Record<string, number> => Object.fromEntries(partitionsPerInstance(owners, live));
    if (balanced(owners, t, live)) return { ms: latestWrite(views.values(), bounds.startMs) - bounds.startMs, perInstance: perInstance() };
    overdue(bounds, () => `ONLINE partitions per live instance: ${JSON.stringify(perInstance())}`);
    await sleep(bounds.pauseMs);
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
