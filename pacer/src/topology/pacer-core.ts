import type { Pool } from 'mysql2/promise';
import type { Stats } from '../../../core/src/interfaces/stats';
import { MemoryStats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import { silentLogger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import { systemClock } from '../../../core/src/util/clock';
import { createMysqlPool } from '../datastore/mysql-pool';
import { migrate } from '../datastore/migrator';
import { QueueRegistry } from '../datastore/queue-registry';
import { PINLATER_MONITOR_DEFAULTS, type MonitorSettings } from '../datastore/partition-monitor';
import type { PacerBackendDeps } from '../api/pacer-backend';
import type { PartitionDirectory } from '../interfaces/partition-directory';
import type { BrokerClient } from '../interfaces/broker-client';
import type { DequeueRoutingHealth } from '../api/dequeue-routing-health';
import { PACER_DEFAULTS, type PacerCoreOptions } from './pacer-backend-options';

/** How long the queue registry trusts a cached queue's settings. */
const QUEUE_CACHE_MS = 5000;

/** What every topology builds on: the migrated pool, the queue registry and the resolved settings. */
export interface PacerCore {
  readonly pool: Pool;
  readonly registry: QueueRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stats: Stats;
  readonly monitor: MonitorSettings & { periodMs: number; enabled: boolean };
  readonly numPriorityLevels: number;
  readonly options: PacerCoreOptions;
}

/** The parts a topology adds to the core to make a backend. */
export interface TopologyParts {
  readonly directory: PartitionDirectory;
  readonly brokers: BrokerClient;
  readonly routingHealth?: DequeueRoutingHealth;
  /** Closes what the topology opened, before the pool ends. */
  readonly closeTopology: () => Promise<void>;
}

/** Opens the pool and applies migrations (unless told not to); the pool is ended if that fails. */
export async function openPacerCore(options: PacerCoreOptions): Promise<PacerCore> {
  const pool = createMysqlPool({ connectionLimit: 10, connectTimeoutMs: 5000, ...options.mysql });
  try {
    if (options.applyMigrations ?? true) await migrate(pool);
  } catch (e) {
    await pool.end();
    throw e;
  }
  const clock = options.clock ?? systemClock;
  const numPriorityLevels = options.numPriorityLevels ?? PACER_DEFAULTS.numPriorityLevels;
  return {
    pool,
    clock,
    numPriorityLevels,
    options,
    logger: (options.logger ?? silentLogger()).child({ backend: 'pacer' }),
    stats: options.stats ?? new MemoryStats(),
    monitor: { ...PINLATER_MONITOR_DEFAULTS, enabled: false, ...options.monitor },
    registry: new QueueRegistry(pool, clock, {
      numPartitions: options.defaultPartitions ?? PACER_DEFAULTS.defaultPartitions, numPriorities: numPriorityLevels, cacheMs: QUEUE_CACHE_MS,
    }),
  };
}

/** Ends the core's pool after `first` (a topology that failed half-way uses this too). */
export async function closePacerCore(core: PacerCore, first: () => Promise<void> = async () => undefined): Promise<void> {
  try {
    await first();
  } finally {
    await core.pool.end();
  }
}

/** The backend's dependencies: the core's, the topology's, and a close that undoes both in order. */
export function backendDeps(core: PacerCore, parts: TopologyParts): PacerBackendDeps {
  const { options } = core;
  return {
    pool: core.pool, registry: core.registry, clock: core.clock, logger: core.logger, stats: core.stats,
    numPriorityLevels: core.numPriorityLevels, monitor: core.monitor,
    countLimit: options.countLimit ?? PACER_DEFAULTS.countLimit,
    directory: parts.directory, brokers: parts.brokers,
    ...(options.bodyRegexTimeoutMs === undefined ? {} : { bodyRegexTimeoutMs: options.bodyRegexTimeoutMs }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(parts.routingHealth === undefined ? {} : { routingHealth: parts.routingHealth }),
    onClose: () => closePacerCore(core, parts.closeTopology),
  };
}
