import type { BackendKind } from '../interfaces/pinlater-backend';
import type { ShardStore } from '../interfaces/shard-store';
import type { Stats } from '../interfaces/stats';
import type { Logger } from '../logging/logger';
import type { LegacyBackendSettings } from '../types/legacy-backend-options';
import type { Clock } from '../util/clock';

/** The per-store-kind decisions PinLater's two backends make differently (FACTS §5.6, §6.3, §8). */
export interface ShardedBackendHooks {
  /** Shards an enqueue may pick from (Redis: not dequeueOnly and healthy; MySQL: not dequeueOnly). */
  enqueueCandidates(stores: readonly ShardStore[]): ShardStore[];
  /** The error when no shard can take an enqueue (Redis: NO_HEALTHY_SHARDS; MySQL: UNKNOWN). */
  onNoEnqueueShard(): Error;
  /** Existence check before an enqueue (Redis: queue-name cache; MySQL: none, the table decides). */
  beforeEnqueue?(queue: string): Promise<void>;
  /** The one random shard getQueueNames reads from, or undefined. */
  queueNameSource(stores: readonly ShardStore[]): ShardStore | undefined;
  /** Sees what getQueueNames read from its source (Redis refreshes its queue-name cache). */
  afterListQueues?(names: Set<string>): void;
  /** What getQueueNames does without a source: throw the Error, or answer the set. */
  onNoQueueNameSource(): Error | Set<string>;
  afterCreateQueue?(queue: string): Promise<void>;
  afterDeleteQueue?(queue: string): Promise<void>;
  close?(): Promise<void>;
}

export interface ShardedBackendOptions {
  kind: Exclude<BackendKind, 'pacer'>;
  /** The current shard set; MySQL's can change on config reload. */
  shards: { current(): readonly ShardStore[] };
  settings: LegacyBackendSettings;
  stats: Stats;
  logger: Logger;
  clock: Clock;
  hooks: ShardedBackendHooks;
  /** Injectable randomness (shard choice, shuffles, monitor jitter). */
  random?: () => number;
}
