import type { Stats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import type { MysqlConnectionConfig } from '../datastore/mysql-pool';
import type { MonitorSettings } from '../datastore/partition-monitor';
import type { BufferSettings } from '../broker/owned-partition';
import type { ClaimMode } from '../broker/claim-batcher';
import type { PartitionDirectory } from '../interfaces/partition-directory';
import type { BrokerClient } from '../interfaces/broker-client';

/**
 * How Pacer's API reaches the dequeue brokers: one of three topologies, named by `mode`.
 *
 * - `embedded`: one broker runs inside this process and owns every partition on demand (local
 *   setups, tests, a single-process Pacer). Closed with the backend.
 * - `static`: brokers in other processes, partitions routed by a fixed `PartitionDirectory` the
 *   caller owns (and closes); calls go over Thrift unless `brokerClient` says otherwise.
 * - `zookeeper`: the production topology: the Helix-style cluster (controller + brokers) in
 *   ZooKeeper; dequeues follow its external view, queues become ideal-state resources.
 */
export type PacerTopology = EmbeddedTopology | StaticTopology | ZookeeperTopology;

export interface EmbeddedTopology {
  readonly mode: 'embedded';
  /** Owner id the broker records in partition_owners (default `embedded-<pid>-<random>`). */
  readonly brokerId?: string;
  readonly buffer?: Partial<BufferSettings>;
  readonly safetySweepMs?: number;
}

export interface StaticTopology {
  readonly mode: 'static';
  /** Partition → broker endpoint; closed with the backend only when `ownsDirectory` is set. */
  readonly directory: PartitionDirectory;
  readonly ownsDirectory?: boolean;
  /** How brokers are called (default Thrift, `brokerCallTimeoutMs` per call). */
  readonly brokerClient?: BrokerClient;
  readonly brokerCallTimeoutMs?: number;
}

export interface ZookeeperTopology {
  readonly mode: 'zookeeper';
  /** `host:port[,host:port][/chroot]`. */
  readonly connect: string;
  /** Cluster name (default `pacer`). */
  readonly cluster?: string;
  readonly sessionTimeoutMs?: number;
  readonly brokerCallTimeoutMs?: number;
  /**
   * `/health` turns unready once a partition has had no live owner for longer than this, or the
   * routing view has been stale for longer than the session timeout plus this (default 5000; a
   * broker hand-off takes about a second; docs/health.md).
   */
  readonly readinessGraceMs?: number;
}

/** What every topology shares: the datastore, PinLater's settings, and the process's services. */
export interface PacerCoreOptions {
  readonly mysql: Omit<MysqlConnectionConfig, 'connectionLimit' | 'connectTimeoutMs'> & Partial<MysqlConnectionConfig>;
  /** PinLater NUM_PRIORITY_LEVELS (default 3). */
  readonly numPriorityLevels?: number;
  /** Partitions of a queue made by `createQueue` (default 4; FIFO queues have 1). */
  readonly defaultPartitions?: number;
  /**
   * Settings of `runMonitorOnce` (and of the embedded broker's monitor); `enabled` runs the
   * embedded broker's monitor timer (other topologies' brokers run their own).
   */
  readonly monitor?: Partial<MonitorSettings & { periodMs: number; enabled: boolean }>;
  /** Apply pacer/migrations on startup (default true; idempotent, serialized by a named lock). */
  readonly applyMigrations?: boolean;
  /** Pacer's cap on a getJobCount answer, per partition per priority (default 100000, PinLater's MYSQL_COUNT_LIMIT default). */
  readonly countLimit?: number;
  /** Server-side time limit, ms, of a count/scan/delete that runs a body regex (default 5000). */
  readonly bodyRegexTimeoutMs?: number;
  /**
   * How an embedded broker records claims (issue 15; docs/pacer-performance.md "Claim leases"):
   * `lease` (default) or `per-job`. Other topologies' brokers take PACER_CLAIMS, and this API
   * needs no setting for them: it acks each job as its broker's dequeue reply said it was claimed,
   * and sends what it cannot write itself to the owning broker, which knows (api/direct-acks.ts).
   * Accepted and ignored outside the embedded topology, so older configurations still load.
   */
  readonly claims?: ClaimMode;
  readonly logger?: Logger;
  readonly stats?: Stats;
  readonly clock?: Clock;
  readonly random?: () => number;
}

export interface PacerBackendOptions extends PacerCoreOptions {
  readonly topology: PacerTopology;
}

export const PACER_DEFAULTS = {
  numPriorityLevels: 3,
  defaultPartitions: 4,
  countLimit: 100_000,
  brokerCallTimeoutMs: 2000,
  cluster: 'pacer',
  readinessGraceMs: 5000,
} as const;
