import { ShardedBackend } from '../../../core/src/backend/sharded-backend';
import type { ShardedBackendHooks } from '../../../core/src/backend/sharded-backend-options';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { LegacyBackendOptions } from '../../../core/src/types/legacy-backend-options';
import { ConfigFileWatcher } from '../../../core/src/config/config-file-watcher';
import { pickRandom } from '../../../core/src/util/shuffle';
import type { ShardHealthSettings } from './mysql-shard-health';
import { MysqlShardRegistry } from './mysql-shard-registry';
import type { ZoneOffsetSource } from './mysql-time';

/** Knobs tests need that PinLater does not expose as properties. */
export interface MysqlBackendInternals {
  health?: ShardHealthSettings;
  zoneOffset?: ZoneOffsetSource;
  random?: () => number;
}

/** A legacy MySQL backend plus the handles tests and the gateway's admin paths use. */
export interface LegacyMysqlBackend {
  backend: ShardedBackend;
  registry: MysqlShardRegistry;
  /** Watches the backend JSON; present when `backendConfigPath` was given. */
  configWatcher?: ConfigFileWatcher;
}

/**
 * PinLater's MySQL backend (FACTS §5) behind the `PinLaterBackend` contract: the shard registry
 * from the backend JSON, PinLater's base layer (`ShardedBackend`) with MySQL's choices (§5.6):
 * enqueue on a random non-dequeueOnly shard without a health check (none → UNKNOWN, PinLater's
 * NullPointerException), getQueueNames from one random shard (none → empty set). The backend JSON
 * is re-read every `configReloadMs` when it came from a file.
 */
export async function createLegacyMysqlBackend(options: LegacyBackendOptions): Promise<PinLaterBackend> {
  return (await buildLegacyMysqlBackend(options)).backend;
}

export async function buildLegacyMysqlBackend(options: LegacyBackendOptions, internals: MysqlBackendInternals = {}): Promise<LegacyMysqlBackend> {
  const logger = options.logger.child({ backend: 'legacy-mysql' });
  const random = internals.random ?? Math.random;
  const registry = new MysqlShardRegistry({
    settings: options.settings,
    clock: options.clock,
    stats: options.stats,
    logger,
    random,
    ...(internals.health ? { health: internals.health } : {}),
    ...(internals.zoneOffset ? { zoneOffset: internals.zoneOffset } : {}),
  });
  registry.apply(registry.parse(options.backendConfig));
  const configWatcher = options.backendConfigPath
    ? new ConfigFileWatcher({
      path: options.backendConfigPath,
      intervalMs: options.settings.mysql.configReloadMs,
      onChange: (content) => registry.reload(JSON.parse(content.toString('utf8'))),
      logger,
    })
    : undefined;
  const backend = new ShardedBackend({
    kind: 'legacy-mysql',
    shards: registry,
    settings: options.settings,
    stats: options.stats,
    logger,
    clock: options.clock,
    random,
    hooks: mysqlHooks(registry, configWatcher, random),
  });
  await configWatcher?.start();
  backend.start();
  return configWatcher ? { backend, registry, configWatcher } : { backend, registry };
}

function mysqlHooks(registry: MysqlShardRegistry, configWatcher: ConfigFileWatcher | undefined, random: () => number): ShardedBackendHooks {
  return {
    enqueueCandidates: (stores) => stores.filter((s) => !s.dequeueOnly),
    onNoEnqueueShard: () => new PinLaterError(ErrorCode.UNKNOWN, 'java.lang.NullPointerException'),
    queueNameSource: (stores) => pickRandom(stores, random),
    onNoQueueNameSource: () => new Set<string>(),
    close: async () => {
      await configWatcher?.close();
      await registry.close();
    },
  };
}
