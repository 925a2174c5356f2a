import type { Logger } from '../../../core/src/logging/logger';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { DequeuedJob } from '../../../core/src/types/job';
import { NoHealthyShardsError, ShardConnectionError } from '../../../core/src/errors/pinlater-error';
import { endpointKey, type BrokerEndpoint, type PartitionDirectory } from '../interfaces/partition-directory';
import { BrokerUnreachableError, type BrokerClient } from '../interfaces/broker-client';

interface BrokerGroup {
  endpoint: BrokerEndpoint;
  partitions: number[];
  /** Known-empty priorities for the rest of this call (from `readyLeft`). */
  emptyPriorities: Set<number>;
  failed: boolean;
}

export interface RouteArgs {
  queue: string;
  /** Partitions in visiting order (already shuffled and cut to coverage). */
  partitions: number[];
  numPriorities: number;
  limit: number;
  claimDescriptor: string;
}

/**
 * Dequeue across the brokers that own a queue's partitions, PinLater's loop shape (FACTS §3.6):
 * priority-major over the visited partitions. When one broker serves every visited partition it
 * gets a single call with all priorities (it applies the same loop); otherwise the router asks
 * broker by broker, one priority at a time. An unreachable broker is skipped (its jobs stay in
 * MySQL); only when no broker could be reached at all does the call fail.
 */
export class DequeueRouter {
  constructor(
    private readonly directory: PartitionDirectory,
    private readonly brokers: BrokerClient,
    private readonly logger: Logger,
    private readonly stats: Stats,
  ) {}

  async dequeue(args: RouteArgs): Promise<DequeuedJob[]> {
    const groups = this.groupByBroker(args.queue, args.partitions);
    if (groups.length === 0) {
      if (args.partitions.length === 0) return [];
      throw new NoHealthyShardsError(`No Pacer broker serves queue ${args.queue}`);
    }
    const all = Array.from({ length: args.numPriorities }, (_, i) => i + 1);
    const passes = groups.length === 1 ? [all] : all.map((p) => [p]);
    const jobs: DequeuedJob[] = [];
    for (const priorities of passes) {
      for (const g of groups) {
        const need = args.limit - jobs.length;
        if (need <= 0) return jobs;
        if (g.failed || priorities.every((p) => g.emptyPriorities.has(p))) continue;
        jobs.push(...(await this.ask(g, args, priorities, need)));
      }
    }
    if (jobs.length === 0 && groups.every((g) => g.failed)) {
      throw new ShardConnectionError(`Pacer broker(s) unreachable for queue ${args.queue}: ${groups.map((g) => endpointKey(g.endpoint)).join(', ')}`);
    }
    return jobs;
  }

  private async ask(g: BrokerGroup, args: RouteArgs, priorities: number[], limit: number): Promise<DequeuedJob[]> {
    try {
      const reply = await this.brokers.dequeue(g.endpoint, {
        queue: args.queue, partitions: g.partitions, priorities, limit, claimDescriptor: args.claimDescriptor,
      });
      priorities.forEach((p, i) => {
        if ((reply.readyLeft[i] ?? 0) === 0) g.emptyPriorities.add(p);
      });
      if (reply.notOwned.length > 0) this.stats.incr('pacer-dequeue-partition-not-owned', reply.notOwned.length);
      return reply.jobs;
    } catch (e) {
      if (!(e instanceof BrokerUnreachableError)) throw e;
      g.failed = true;
      this.stats.incr('pacer-broker-unreachable');
      this.logger.warn({ err: e, queue: args.queue, broker: endpointKey(g.endpoint) }, 'broker unreachable; serving from other partitions');
      return [];
    }
  }

  private groupByBroker(queue: string, partitions: number[]): BrokerGroup[] {
    const groups = new Map<string, BrokerGroup>();
    for (const partition of partitions) {
      const endpoint = this.directory.brokerFor(queue, partition);
      if (endpoint === undefined) continue;
      const key = endpointKey(endpoint);
      const g = groups.get(key) ?? { endpoint, partitions: [], emptyPriorities: new Set<number>(), failed: false };
      g.partitions.push(partition);
      groups.set(key, g);
    }
    return [...groups.values()];
  }
}
