import type { Logger } from '../../../core/src/logging/logger';
import type { Stats } from '../../../core/src/interfaces/stats';
import { endpointKey, type BrokerEndpoint, type PartitionDirectory } from '../interfaces/partition-directory';
import type { BrokerClient } from '../interfaces/broker-client';
import type { PendingHint } from '../datastore/job-refs';
import { pacerStatNames } from './pacer-stat-names';

/**
 * Tells the owning brokers that jobs became pending (after enqueue, failure-ack retry,
 * moveToPending, retryFailed, import, monitor), so they refill without polling. Best effort: the
 * jobs are already committed in MySQL; a broker that misses a notice finds them on its safety sweep.
 */
export class BrokerNotifier {
  constructor(
    private readonly directory: PartitionDirectory,
    private readonly brokers: BrokerClient,
    private readonly logger: Logger,
    private readonly stats: Stats,
  ) {}

  /**
   * Notifies for rows that were just made pending (enqueue, import, a move's publish or restore):
   * per partition from its earliest run-after, for the rows' priorities.
   */
  async notifyRows(queue: string, rows: ReadonlyArray<{ partition: number; priority: number; runAfterMs: number }>): Promise<void> {
    const hints = new Map<number, PendingHint>();
    for (const r of rows) {
      const h = hints.get(r.partition);
      if (h === undefined || r.runAfterMs < h.runAfterMs) hints.set(r.partition, { partition: r.partition, runAfterMs: r.runAfterMs });
    }
    await this.notify(queue, [...hints.values()], [...new Set(rows.map((r) => r.priority))]);
  }

  /**
   * Lease mode: jobs this API acked itself (settled-notices.ts), to their owning brokers, which
   * re-read the rows. Jobs of partitions with no known owner are left to the owner's held-lease
   * sweep (counted as dropped). Never rejects.
   */
  async notifySettled(queue: string, refs: ReadonlyArray<{ partition: number; id: number }>): Promise<void> {
    const { owned, unowned } = this.byOwner(queue, refs);
    if (unowned > 0) this.stats.incr(pacerStatNames.settledNoticeDropped, unowned);
    await Promise.all(owned.map((e) =>
      this.brokers.notifyPending(e.endpoint, { queue, partitions: [], settled: e.items }).catch((err: unknown) => {
        this.stats.incr(pacerStatNames.notifyFailed);
        this.stats.incr(pacerStatNames.settledNoticeDropped, e.items.length);
        this.logger.warn({ err, queue, broker: endpointKey(e.endpoint) }, 'settled notice failed; the broker finds the jobs on its held-lease sweep');
      })));
  }

  async notify(queue: string, hints: PendingHint[], priorities?: number[]): Promise<void> {
    if (hints.length === 0) return;
    await Promise.all(
      this.byOwner(queue, hints).owned.map((e) =>
        this.brokers
          .notifyPending(e.endpoint, {
            queue, partitions: [...new Set(e.items.map((h) => h.partition))], earliestRunAfterMs: e.items.reduce((m, h) => Math.min(m, h.runAfterMs), Infinity),
            ...(priorities === undefined ? {} : { priorities }),
          })
          .catch((err: unknown) => {
            this.stats.incr(pacerStatNames.notifyFailed);
            this.logger.warn({ err, queue, broker: endpointKey(e.endpoint) }, 'broker notification failed; the safety sweep will find the jobs');
          }),
      ),
    );
  }

  /** `items` by the broker owning each one's partition in the routing view; how many have no known owner. */
  private byOwner<T extends { partition: number }>(queue: string, items: readonly T[]): { owned: Array<{ endpoint: BrokerEndpoint; items: T[] }>; unowned: number } {
    const owned = new Map<string, { endpoint: BrokerEndpoint; items: T[] }>();
    let unowned = 0;
    for (const item of items) {
      const endpoint = this.directory.brokerFor(queue, item.partition);
      if (endpoint === undefined) {
        unowned += 1;
        continue;
      }
      const entry = owned.get(endpointKey(endpoint)) ?? { endpoint, items: [] };
      entry.items.push(item);
      owned.set(endpointKey(endpoint), entry);
    }
    return { owned: [...owned.values()], unowned };
  }
}
