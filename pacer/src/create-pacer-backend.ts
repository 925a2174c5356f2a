import type { Stats } from '../../core/src/interfaces/stats';
import { MemoryStats } from '../../core/src/interfaces/stats';
import type { Logger } from '../../core/src/logging/logger';
import { silentLogger } from '../../core/src/logging/logger';
import type { Clock } from '../../core/src/util/clock';
import { systemClock } from '../../core/src/util/clock';
import { createMysqlPool, type MysqlConnectionConfig } from './datastore/mysql-pool';
import { migrate } from './datastore/migrator';
import { QueueRegistry } from './datastore/queue-registry';
import { PINLATER_MONITOR_DEFAULTS, type MonitorSettings } from './datastore/partition-monitor';
import type { PartitionDirectory } from './interfaces/partition-directory';
import type { BrokerClient } from './interfaces/broker-client';
import type { BufferSettings } from './broker/owned-partition';
import type { DequeueBroker } from './broker/dequeue-broker';
import { createDequeueBroker } from './broker/create-dequeue-broker';
import { PacerBackend, type PacerBackendDeps } from './api/pacer-backend';
import { ClusteredPacerBackend } from './api/clustered-pacer-backend';
import { DequeueRoutingHealth } from './api/dequeue-routing-health';
import { ZkClusterRouting } from './coordination/zk-cluster-routing';
import { StaticPartitionDirectory } from './api/static-partition-directory';
import { InProcessBrokerClient } from './api/in-process-broker-client';
import { ThriftBrokerClient } from './rpc/thrift-broker-client';

export interface PacerBackendOptions {
  mysql: Omit<MysqlConnectionConfig, 'connectionLimit' | 'connectTimeoutMs'> & Partial<MysqlConnectionConfig>;
  /** PinLater NUM_PRIORITY_LEVELS (default 3). */
  numPriorityLevels?: number;
  /** Partitions of a queue made by `createQueue` (default 4; FIFO queues have 1). */
  defaultPartitions?: number;
  /** Settings of `runMonitorOnce` (and of the embedded broker's monitor). `enabled` = embedded timer. */
  monitor?: Partial<MonitorSettings & { periodMs: number; enabled: boolean }>;
  /**
   * Partition → broker routing for out-of-process brokers (Thrift). Absent: an embedded broker runs
   * in this process, owns every partition on demand and is closed with the backend.
   */
  directory?: PartitionDirectory;
  /** How brokers are reached; default Thrift (with `directory`) or in-process (embedded). */
  brokerClient?: BrokerClient;
  brokerCallTimeoutMs?: number;
  embeddedBroker?: { brokerId?: string; buffer?: Partial<BufferSettings>; safetySweepMs?: number };
  /** Apply pacer/migrations on startup (default true; idempotent, serialized by a named lock). */
  applyMigrations?: boolean;
  /** PinLater MYSQL_COUNT_LIMIT per partition per priority (default 100000). */
  countLimit?: number;
  /** Server-side time limit, ms, of a count/scan/delete that runs a body regex (default 5000). */
  bodyRegexTimeoutMs?: number;
  /**
   * Cluster mode: route dequeues by the cluster's external view (ZkPartitionDirectory over
   * EXTERNALVIEW + LIVEINSTANCES, broker endpoints from InstanceConfig) and register queues as
   * ideal-state resources. Ignored when `directory` is given.
   */
  zookeeper?: PacerZookeeperOptions;
  logger?: Logger;
  stats?: Stats;
  clock?: Clock;
  random?: () => number;
}

export interface PacerZookeeperOptions {
  /** `host:port[,host:port][/chroot]`. */
  connect: string;
  /** Cluster name (default `pacer`). */
  cluster?: string;
  sessionTimeoutMs?: number;
}

const EMBEDDED_ENDPOINT = { host: 'in-process', port: 0 };

/** Pacer's stateless API (the gateway side) behind the PinLater backend contract. */
export async function createPacerBackend(options: PacerBackendOptions): Promise<PacerBackend> {
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger()).child({ backend: 'pacer' });
  const pool = createMysqlPool({ connectionLimit: 10, connectTimeoutMs: 5000, ...options.mysql });
  try {
    if (options.applyMigrations ?? true) await migrate(pool);
  } catch (e) {
    await pool.end();
    throw e;
  }
  const monitor = { ...PINLATER_MONITOR_DEFAULTS, enabled: false, ...options.monitor };
  const numPriorityLevels = options.numPriorityLevels ?? 3;
  const registry = new QueueRegistry(pool, clock, { numPartitions: options.defaultPartitions ?? 4, numPriorities: numPriorityLevels, cacheMs: 5000 });
  let embedded: DequeueBroker | undefined;
  let directory = options.directory;
  let brokers = options.brokerClient;
  let routing: ZkClusterRouting | undefined;
  if (directory === undefined && options.zookeeper !== undefined) {
    try {
      routing = await ZkClusterRouting.open({
        zkConnect: options.zookeeper.connect, cluster: options.zookeeper.cluster ?? 'pacer', logger, clock,
        ...(options.zookeeper.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: options.zookeeper.sessionTimeoutMs }),
      });
    } catch (e) {
      await pool.end();
      throw e;
    }
    directory = routing;
  }
  if (directory === undefined) {
    embedded = createDequeueBroker({
      brokerId: options.embeddedBroker?.brokerId ?? `embedded-${process.pid}-${Math.floor(Math.random() * 1e9)}`,
      mysql: { pool }, autoAssign: true, clock, logger, monitor,
      ...(options.embeddedBroker?.buffer === undefined ? {} : { buffer: options.embeddedBroker.buffer }),
      ...(options.embeddedBroker?.safetySweepMs === undefined ? {} : { safetySweepMs: options.embeddedBroker.safetySweepMs }),
    });
    const inProcess = new InProcessBrokerClient();
    inProcess.register(EMBEDDED_ENDPOINT, embedded);
    directory = new StaticPartitionDirectory({ fallback: EMBEDDED_ENDPOINT });
    brokers ??= inProcess;
  }
  brokers ??= new ThriftBrokerClient(options.brokerCallTimeoutMs ?? 2000);
  const routingHealth = routing === undefined ? undefined : new DequeueRoutingHealth(clock);
  const finalBrokers = brokers;
  const finalDirectory = directory;
  const deps: PacerBackendDeps = {
    pool, registry, directory: finalDirectory, brokers: finalBrokers, clock, logger,
    stats: options.stats ?? new MemoryStats(),
    numPriorityLevels, countLimit: options.countLimit ?? 100_000, monitor,
    ...(options.bodyRegexTimeoutMs === undefined ? {} : { bodyRegexTimeoutMs: options.bodyRegexTimeoutMs }),
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(routingHealth === undefined ? {} : { routingHealth }),
    onClose: async () => {
      await embedded?.close();
      await finalBrokers.close();
      if (options.directory === undefined) await finalDirectory.close();
      await pool.end();
    },
  };
  if (routing === undefined) return new PacerBackend(deps);
  const clustered = new ClusteredPacerBackend(deps, routing, registry, pool, clock, routingHealth ?? new DequeueRoutingHealth(clock));
  try {
    await clustered.syncQueues();
  } catch (e) {
    await clustered.close();
    throw e;
  }
  return clustered;
}
