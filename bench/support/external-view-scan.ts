/**
 * Reading a Pacer cluster's external views from outside, for benchmarks: which live instance
 * holds each partition ONLINE, and bounded waits until every partition of a set of queues is
 * served (ONLINE on exactly one live instance) or the cluster is balanced. Reads use the public
 * record helpers only (readRecord, childrenOrEmpty, onlineOwners), at most `READ_CONCURRENCY`
 * outstanding, so a wait over thousands of queues costs one read per queue per round.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { mapBounded } from '../../core/src/util/map-bounded';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { onlineOwners } from '../../pacer/src/coordination/external-view';
import type { HelixPaths } from '../../pacer/src/coordination/helix-paths';
import { childrenOrEmpty, readRecord } from '../../pacer/src/coordination/record-store';

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
  const ev = await readRecord(t.zk, t.paths.externalView(queue));
  return ev ? onlineOwners(ev.record) : new Map();
}

export async function allOwners(t: ScanTarget, queues: readonly string[]): Promise<Map<string, QueueOwners>> {
  const owners = await mapBounded(queues, READ_CONCURRENCY, (q) => queueOwners(t, q));
  return new Map(queues.map((q, i) => [q, owners[i] as QueueOwners]));
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
 * the round that saw the last one served. Queues already seen served are not read again; a final
 * pass over all of them confirms (and the wait goes on if one has slipped back).
 */
export async function waitAllServed(t: ScanTarget, queues: readonly string[], bounds: WaitBounds, excluded?: string): Promise<number> {
  let pending = [...queues];
  for (;;) {
    const live = await liveInstances(t);
    const owners = await allOwners(t, pending);
    const doneMs = Date.now() - bounds.startMs;
    pending = pending.filter((q) => !queueServed(owners.get(q) ?? new Map(), t.partitionsPerQueue, live, excluded));
    if (pending.length === 0) {
      const all = await allOwners(t, queues);
      pending = queues.filter((q) => !queueServed(all.get(q) ?? new Map(), t.partitionsPerQueue, live, excluded));
      if (pending.length === 0) return doneMs;
    }
    overdue(bounds, () => `${pending.length} of ${queues.length} queues not served yet (e.g. ${pending.slice(0, 3).join(', ')})`);
    await sleep(bounds.pauseMs);
  }
}

/**
 * Waits until `balanced` holds over `queues`; resolves with the ms from `startMs` to that round and
 * the ONLINE partitions per live instance then (cluster-wide).
 */
export async function waitBalanced(t: ScanTarget, queues: readonly string[], bounds: WaitBounds): Promise<{ ms: number; perInstance: Record<string, number> }> {
  for (;;) {
    const live = await liveInstances(t);
    const owners = await allOwners(t, queues);
    const ms = Date.now() - bounds.startMs;
    const perInstance = (): Record<string, number> => Object.fromEntries(partitionsPerInstance(owners, live));
    if (balanced(owners, t, live)) return { ms, perInstance: perInstance() };
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
