import { NoHealthyShardsError, QueueNotFoundError } from '../../../core/src/errors/pinlater-error';
import type { ShardStore } from '../../../core/src/interfaces/shard-store';
import type { Stats } from '../../../core/src/interfaces/stats';
import { REDIS_STATS } from './redis-stat-names';

/**
 * PinLater Redis's queue-name cache (FACTS §6.3): the set `ZRANGE pln_<shard> 0 -1` of one random
 * healthy shard. Enqueue is the only existence check: a name missing from the cache triggers a
 * reload; still missing → QUEUE_NOT_FOUND (stat `redis-queue-not-found-enqueue`). As in PinLater,
 * a queue deleted through another server stays enqueueable here until the cache reloads.
 */
export class QueueNameCache {
  private names = new Set<string>();

  constructor(
    private readonly stores: () => readonly ShardStore[],
    private readonly stats: Stats,
    private readonly random: () => number = Math.random,
  ) {}

  /** One random healthy shard, or undefined. */
  pickSource(stores: readonly ShardStore[] = this.stores()): ShardStore | undefined {
    const healthy = stores.filter((s) => s.isHealthy());
    return healthy[Math.floor(this.random() * healthy.length)];
  }

  set(names: Set<string>): void {
    this.names = new Set(names);
  }

  has(queue: string): boolean {
    return this.names.has(queue);
  }

  /** Reloads from one random healthy shard; none → NO_HEALTHY_SHARDS. */
  async reload(): Promise<Set<string>> {
    const source = this.pickSource();
    if (source === undefined) throw new NoHealthyShardsError();
    const names = await source.listQueues();
    this.set(names);
    return names;
  }

  async ensureExists(queue: string): Promise<void> {
    if (this.names.has(queue)) return;
    await this.reload();
    if (this.names.has(queue)) return;
    this.stats.incr(REDIS_STATS.queueNotFoundEnqueue);
    throw new QueueNotFoundError(`Queue not found: ${queue}`);
  }
}
