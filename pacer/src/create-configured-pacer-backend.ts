import type { Stats } from '../../core/src/interfaces/stats';
import type { Logger } from '../../core/src/logging/logger';
import type { Clock } from '../../core/src/util/clock';
import type { MonitorSettings } from './datastore/partition-monitor';
import { createPacerBackend } from './create-pacer-backend';
import { parsePacerBackendConfig } from './api/backend-config';
import { StaticPartitionDirectory } from './api/static-partition-directory';
import type { PacerBackend } from './api/pacer-backend';
import { migrateDatabase } from './migrate';

/** What the gateway's own configuration contributes (PinLater properties). */
export interface ConfiguredPacerContext {
  numPriorityLevels: number;
  countLimit: number;
  monitor: Partial<MonitorSettings & { periodMs: number }>;
  logger: Logger;
  stats: Stats;
  clock: Clock;
}

/**
 * The gateway's Pacer backend from its backend JSON (gateway/backend-config.ts): creates and
 * migrates the database when `createDatabase` is set, routes dequeues to out-of-process brokers by
 * the static directory (or the ZooKeeper external view).
 */
export async function createConfiguredPacerBackend(json: unknown, ctx: ConfiguredPacerContext): Promise<PacerBackend> {
  const config = parsePacerBackendConfig(json);
  if (config.createDatabase) {
    const { connectionLimit: _unused, ...target } = config.mysql;
    await migrateDatabase(target);
  }
  return createPacerBackend({
    mysql: config.mysql,
    numPriorityLevels: ctx.numPriorityLevels,
    defaultPartitions: config.defaultPartitions,
    countLimit: ctx.countLimit,
    bodyRegexTimeoutMs: config.bodyRegexTimeoutMs,
    monitor: { ...ctx.monitor, enabled: false },
    brokerCallTimeoutMs: config.brokerCallTimeoutMs,
    ...(config.brokers === undefined ? {} : { directory: new StaticPartitionDirectory(config.brokers) }),
    ...(config.zookeeper === undefined ? {} : { zookeeper: config.zookeeper }),
    logger: ctx.logger,
    stats: ctx.stats,
    clock: ctx.clock,
  });
}
