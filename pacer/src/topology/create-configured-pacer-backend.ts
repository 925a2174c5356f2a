import type { Stats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import type { MonitorSettings } from '../datastore/partition-monitor';
import type { PacerBackend } from '../api/pacer-backend';
import { StaticPartitionDirectory } from '../api/static-partition-directory';
import { migrateDatabase } from '../migrate';
import { createPacerBackend } from './create-pacer-backend';
import { parsePacerBackendConfig, staticDirectoryConfig, type PacerBackendConfig } from './pacer-backend-config';
import type { PacerTopology } from './pacer-backend-options';

/**
 * What the gateway's process contributes: PinLater's priority levels and monitor timing (its
 * PinLater properties), and its logger, stats and clock. Pacer's own settings (count limit,
 * partitions, topology, …) come from its backend JSON, never from the legacy stores' settings.
 */
export interface ConfiguredPacerContext {
  numPriorityLevels: number;
  monitor: Partial<MonitorSettings & { periodMs: number }>;
  logger: Logger;
  stats: Stats;
  clock: Clock;
}

/**
 * The gateway's Pacer backend from its backend JSON (pacer-backend-config.ts): creates and
 * migrates the database when `createDatabase` is set, then builds the topology `mode` names.
 */
export async function createConfiguredPacerBackend(json: unknown, ctx: ConfiguredPacerContext): Promise<PacerBackend> {
  const config = parsePacerBackendConfig(json);
  if (config.createDatabase) {
    const { connectionLimit: _unused, ...target } = config.mysql;
    await migrateDatabase(target);
  }
  const directory = config.mode === 'static' ? new StaticPartitionDirectory(staticDirectoryConfig(config.brokers)) : undefined;
  try {
    return await createPacerBackend({
      mysql: config.mysql,
      numPriorityLevels: ctx.numPriorityLevels,
      defaultPartitions: config.defaultPartitions,
      countLimit: config.countLimit,
      bodyRegexTimeoutMs: config.bodyRegexTimeoutMs,
      claims: config.claims,
      // Only an embedded broker runs its monitor here; other topologies' brokers run their own.
      monitor: { ...ctx.monitor, enabled: config.mode === 'embedded' },
      topology: topologyOf(config, directory),
      logger: ctx.logger,
      stats: ctx.stats,
      clock: ctx.clock,
    });
  } catch (e) {
    await directory?.close();
    throw e;
  }
}

function topologyOf(config: PacerBackendConfig, directory: StaticPartitionDirectory | undefined): PacerTopology {
  switch (config.mode) {
    case 'zookeeper':
      return { mode: 'zookeeper', ...config.zookeeper, brokerCallTimeoutMs: config.brokerCallTimeoutMs };
    case 'static':
      return { mode: 'static', directory: directory as StaticPartitionDirectory, ownsDirectory: true, brokerCallTimeoutMs: config.brokerCallTimeoutMs };
    case 'embedded':
      return { mode: 'embedded', ...config.embedded };
  }
}
