import type { Clock } from '../../../core/src/util/clock';
import { firstListed, type UnservedQueues } from '../../../core/src/health/unserved-queues';
import { partitionName } from '../coordination/helix-paths';
import type { QueuePartitions } from '../datastore/queue-partition-counts';
import type { PartitionDirectory } from '../interfaces/partition-directory';

/** The routing view the watch reads: owners, change notifications, freshness. */
export interface OwnerView extends Pick<PartitionDirectory, 'brokerFor' | 'onChange'> {
  status(): { readonly fresh: boolean; readonly staleForMs: number; readonly zookeeper: string };
}

export interface OwnerWatchSettings {
  /** A partition counts as unserved once it has had no live owner for longer than this (a hand-off takes seconds). */
  readonly graceMs: number;
  /**
   * The view counts as lost once it has not been fresh for longer than this plus `graceMs`: the
   * ZooKeeper session timeout, after which brokers cut off like this gateway stop serving.
   */
  readonly staleLimitMs: number;
}

/** `/health`'s `ownership` part of a Pacer cluster gateway: what the watch sees now. */
export interface OwnershipSnapshot {
  readonly queues: number;
  readonly partitions: number;
  /** Partitions without a live owner now, within the grace period or past it. */
  readonly unowned: number;
  readonly unownedPastGrace: number;
  readonly graceMs: number;
  readonly viewStaleForMs: number;
  readonly viewStaleLimitMs: number;
}

export interface OwnershipVerdict {
  readonly ownership: OwnershipSnapshot;
  /** Set when the gateway is unready: partitions unowned past the grace period, or the view lost. */
  readonly unserved?: UnservedQueues;
}

interface Unowned {
  readonly queue: string;
  readonly sinceMs: number;
}

/**
 * Which partitions of the served queues have had no live owner in the routing view (the cluster's
 * external view, live instances only) for longer than the grace period. Timing starts when this
 * gateway first sees a partition without an owner: on every view change (so a broker leaving is
 * timed from the view's update, not from the next probe) and on every `judge` (which also learns
 * the queue list). A partition served again leaves the list at once: no grace on the way back.
 */
export class PartitionOwnerWatch {
  private readonly unowned = new Map<string, Unowned>();
  private queues: readonly QueuePartitions[] = [];
  private readonly off: () => void;

  constructor(private readonly view: OwnerView, private readonly clock: Clock, readonly settings: OwnerWatchSettings) {
    this.off = view.onChange(() => this.observe());
  }

  /** Learns the served queues (registry order) and starts timing their unowned partitions. */
  track(queues: readonly QueuePartitions[]): void {
    this.queues = queues;
    this.observe();
  }

  /** The verdict over `queues` (the registry, read by the caller just now). */
  judge(queues: readonly QueuePartitions[]): OwnershipVerdict {
    this.track(queues);
    const now = this.clock.nowMs();
    const { graceMs, staleLimitMs } = this.settings;
    const past = [...this.unowned].filter(([, u]) => now - u.sinceMs > graceMs);
    const view = this.view.status();
    const staleForMs = view.fresh ? 0 : view.staleForMs;
    const ownership: OwnershipSnapshot = {
      queues: queues.length, partitions: queues.reduce((n, q) => n + q.numPartitions, 0), unowned: this.unowned.size,
      unownedPastGrace: past.length, graceMs, viewStaleForMs: staleForMs, viewStaleLimitMs: staleLimitMs + graceMs,
    };
    if (staleForMs > staleLimitMs + graceMs) return { ownership, unserved: this.lost(view.zookeeper, staleForMs, queues) };
    if (past.length === 0) return { ownership };
    const names = new Set(past.map(([, u]) => u.queue));
    const detail = `${past.length} partition(s) of ${names.size} queue(s) without a live broker in the routing view for more than ${seconds(graceMs)} s: their jobs cannot be dequeued`;
    return {
      ownership,
      unserved: { detail, queueCount: names.size, queues: firstListed(names), partitionCount: past.length, partitions: firstListed(past.map(([p]) => p)) },
    };
  }

  close(): void {
    this.off();
  }

  /** The view is too old to vouch for any owner: every queue counts as unserved. */
  private lost(zookeeper: string, staleForMs: number, queues: readonly QueuePartitions[]): UnservedQueues {
    const detail = `routing view not fresh for ${seconds(staleForMs)} s (ZooKeeper ${zookeeper}), beyond the session timeout + grace `
      + `(${seconds(this.settings.staleLimitMs + this.settings.graceMs)} s): no partition owner can be confirmed`;
    const all = queues.flatMap((q) => Array.from({ length: q.numPartitions }, (_, p) => partitionName(q.name, p)));
    return { detail, queueCount: queues.length, queues: firstListed(queues.map((q) => q.name)), partitionCount: all.length, partitions: firstListed(all) };
  }

  private observe(): void {
    const now = this.clock.nowMs();
    const seen = new Set<string>();
    for (const q of this.queues) {
      for (let p = 0; p < q.numPartitions; p += 1) {
        if (this.view.brokerFor(q.name, p) !== undefined) continue;
        const name = partitionName(q.name, p);
        seen.add(name);
        if (!this.unowned.has(name)) this.unowned.set(name, { queue: q.name, sinceMs: now });
      }
    }
    for (const name of [...this.unowned.keys()]) if (!seen.has(name)) this.unowned.delete(name);
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
