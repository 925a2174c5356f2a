import { ShardedBackend } from '../../../core/src/backend/sharded-backend';
import type { ShardedBackendHooks } from '../../../core/src/backend/sharded-backend-options';
import { NoHealthyShardsError } from '../../../core/src/errors/pinlater-error';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { LegacyBackendOptions } from '../../../core/src/types/legacy-backend-options';
import { QueueNameCache } from './queue-name-cache';
import { parseRedisBackendConfig, type RedisShardConfig } from './redis-backend-config';
import { RedisConnectionRegistry, type RedisConnection } from './redis-connection';
import { RedisHealthChecker } from './redis-health-checker';
import { RedisShardStore } from './redis-shard-store';
import { redisStatNames } from './redis-stat-names';
import { ShardCommands } from './shard-commands';

/**
 * The legacy PinLater Redis backend (FACTS §6, §8): one `RedisShardStore` per configured shard,
 * one shared connection per Redis host:port, one health checker per host:port, the queue-name
 * cache, all wired into `ShardedBackend` (PinLater's base layer). Starts with Redis down (the
 * connections keep reconnecting; stat `init-queuenames-failure`), as PinLater does.
 */
export async function createLegacyRedisBackend(options: LegacyBackendOptions): Promise<PinLaterBackend> {
  const config = parseRedisBackendConfig(options.backendConfig);
  const { settings, stats, clock } = options;
  const logger = options.logger.child({ backend: 'legacy-redis' });
  const registry = new RedisConnectionRegistry({ connectTimeoutMs: settings.socketTimeoutMs, logger });
  const health = new RedisHealthChecker({ ...settings.redisHealth, stats, logger });
  const stores = config.shards.map((shard) => createStore(shard, registry, health, options));
  await Promise.all(registry.connections().map((c) => c.waitUntilReady(settings.socketTimeoutMs)));

  const cache = new QueueNameCache(() => stores, stats);
  const backend = new ShardedBackend({
    kind: 'legacy-redis',
    shards: { current: () => stores },
    settings,
    stats,
    logger,
    clock,
    hooks: redisHooks(cache, health),
  });
  health.start();
  await cache.reload().catch((e: unknown) => {
    stats.incr(redisStatNames.initQueueNamesFailure);
    logger.warn({ err: e }, 'initial queue-name load failed');
  });
  backend.start();
  return backend;
}

function createStore(shard: RedisShardConfig, registry: RedisConnectionRegistry, health: RedisHealthChecker, options: LegacyBackendOptions): RedisShardStore {
  const { settings, stats, clock } = options;
  const { host, port } = shard.master;
  const connection = registry.acquire(host, port);
  const liveness = health.addServer(host, port, () => ping(connection, settings.monitorSocketTimeoutMs));
  const commands = new ShardCommands({
    shard: shard.name,
    connection,
    stats,
    socketTimeoutMs: settings.socketTimeoutMs,
    monitorSocketTimeoutMs: settings.monitorSocketTimeoutMs,
  });
  return new RedisShardStore({
    name: shard.name,
    dequeueOnly: shard.dequeueOnly,
    commands,
    isHealthy: () => liveness.live,
    numPriorityLevels: settings.numPriorityLevels,
    stats,
    logger: options.logger.child({ shard: shard.name }),
    clock,
    onClose: () => registry.release(connection),
  });
}

/** PING through the shared connection, bounded by the monitor socket timeout (RedisHeartBeater). */
export async function ping(connection: RedisConnection, timeoutMs: number): Promise<boolean> {
  const reply = await connection.send<unknown>(['PING'], { timeoutMs });
  return String(reply) === 'PONG';
}

function redisHooks(cache: QueueNameCache, health: RedisHealthChecker): ShardedBackendHooks {
  return {
    enqueueCandidates: (stores) => stores.filter((s) => !s.dequeueOnly && s.isHealthy()),
    onNoEnqueueShard: () => new NoHealthyShardsError(),
    beforeEnqueue: (queue) => cache.ensureExists(queue),
    queueNameSource: (stores) => cache.pickSource(stores),
    // getQueueNames reloads the cache in PinLater: the source's listing also refreshes it.
    afterListQueues: (names) => cache.set(names),
    onNoQueueNameSource: () => new NoHealthyShardsError(),
    afterCreateQueue: async () => {
      await cache.reload();
    },
    afterDeleteQueue: async () => {
      await cache.reload();
    },
    // The base closes the stores afterwards; each releases its share of the host connection.
    close: () => health.stop(),
  };
}
