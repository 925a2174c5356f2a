import { NoHealthyShardsError, QueueNotFoundError } from '../../../core/src/errors/pinlater-error';
import type { ShardStore } from '../../../core/src/interfaces/shard-store';
import type { Stats } from '../../../core/src/interfaces/stats';
import { redisStatNames } from './redis-stat-names';

/**
 * PinLater Redis's queue-name cache (FACTS §6.3): the set `ZRANGE pln_<shard> 0 -1` of one random
 * healthy shard. Enqueue is the only existence check: a name missing from the cache triggers a
 * reload; still missing → QUEUE_NOT_FOUND (stat `redis-queue-not-found-enqueue`). As in PinLater,
 * a queue deleted through another server stays enqueueable here until the cache reloads.
 */
export class QueueNameCache {
  private names = new Set<string>();
  /** The reload running now, and the one queued behind it for callers that arrived meanwhile. */
  private running: Promise<Set<string>> | undefined;
  private queued: Promise<Set<string>> | undefined;

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

  /**
   * A reload that starts after this call (so it sees every queue created before the call), shared:
   * callers that arrive while one runs all wait for the single reload queued behind it. A flood
   * of enqueues to unknown names (issue 8) thus costs one reload at a time, not one per request.
   */
  reloadShared(): Promise<Set<string>> {
    if (this.running === undefined) return this.startReload();
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.startReload();
      });
    return this.queued;
  }

  private startReload(): Promise<Set<string>> {
    const run: Promise<Set<string>> = this.reload().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  async ensureExists(queue: string): Promise<void> {
    if (this.names.has(queue)) return;
    await this.reloadShared();
    if (this.names.has(queue)) return;
    this.stats.incr(redisStatNames.queueNotFoundEnqueue);
    throw new QueueNotFoundError(`Queue not found: ${queue}`);
  }
}
