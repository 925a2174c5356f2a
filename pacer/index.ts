/**
 * Public entry point of Pacer. Other folders import only from here.
 *
 * - `createPacerBackend`: the stateless API behind the PinLater contract, in one of three
 *   topologies (`topology.mode`: embedded, static, zookeeper; src/topology/).
 * - `createDequeueBroker` + `BrokerServer`: the dequeue broker (its process: src/broker/main.ts).
 * - `PartitionDirectory` / `PartitionOwnership`: the seams the ZooKeeper coordination plugs into.
 * - The migration copier's stores in Pacer's database (src/migration-store/): the move ledger
 *   (`MoveLedgerStore`, core's `MoveLedger`) and the per-queue work state and lease
 *   (`MigrationStateStore`, core's `MigrationStates`); `PacerBackend.jobMover()` is Pacer's side
 *   of a move.
 * - The operator tools `pacer-status` (src/cli/status.ts), `pacer-broker-status`
 *   (src/cli/broker-status.ts) and `pacer-migrate` (src/migrate.ts), as command declarations plus
 *   run functions, so `pinlater-ops pacer …` runs them as subcommands; and the cluster's stored
 *   settings (`ClusterSettingsAdmin`, src/cli/cluster-settings-admin.ts), which
 *   `pinlater-ops pacer settings` reads and changes.
 */
export { createPacerBackend } from './src/topology/create-pacer-backend';
export type {
  PacerBackendOptions, PacerCoreOptions, PacerTopology, EmbeddedTopology, StaticTopology, ZookeeperTopology,
} from './src/topology/pacer-backend-options';
export { createConfiguredPacerBackend } from './src/topology/create-configured-pacer-backend';
export type { ConfiguredPacerContext } from './src/topology/create-configured-pacer-backend';
export { parsePacerBackendConfig } from './src/topology/pacer-backend-config';
export type { PacerBackendConfig } from './src/topology/pacer-backend-config';
export { ClusteredPacerBackend } from './src/api/clustered-pacer-backend';
export type { PacerClusterHealth } from './src/api/clustered-pacer-backend';
export { ZkClusterRouting } from './src/coordination/zk-cluster-routing';
export type { ZkClusterRoutingOptions } from './src/coordination/zk-cluster-routing';
export { PacerBackend } from './src/api/pacer-backend';
export { PacerJobMover } from './src/api/pacer-job-mover';
export { MoveLedgerStore, MAX_RESOLVE_DESCRIPTORS } from './src/migration-store/move-ledger-store';
export type { MoveLedgerStoreOptions } from './src/migration-store/move-ledger-store';
export { MigrationStateStore } from './src/migration-store/migration-state-store';
export { createDequeueBroker } from './src/broker/create-dequeue-broker';
export type { CreateDequeueBrokerOptions } from './src/broker/create-dequeue-broker';
export { DequeueBroker, BrokerClosedError } from './src/broker/dequeue-broker';
export type { BrokerCounters } from './src/broker/broker-counters';
export { BrokerServer } from './src/rpc/broker-server';
export { ThriftBrokerClient } from './src/rpc/thrift-broker-client';
export type { BrokerStatusReply } from './src/rpc/thrift-broker-client';
export { InProcessBrokerClient } from './src/api/in-process-broker-client';
export { StaticPartitionDirectory, parseEndpoint } from './src/api/static-partition-directory';
export type { StaticDirectoryConfig, StaticRoute } from './src/api/static-partition-directory';
export type { BrokerEndpoint, PartitionDirectory } from './src/interfaces/partition-directory';
export type { PartitionOwnership } from './src/interfaces/partition-ownership';
export type { BrokerClient, BrokerDequeueArgs, BrokerDequeueReply, BrokerNotice } from './src/interfaces/broker-client';
export { BrokerUnreachableError } from './src/interfaces/broker-client';
export { StaleEpochError, listOwners } from './src/datastore/partition-owners';
export type { QueueSettings, CreateQueueOptions } from './src/datastore/queue-registry';
export { migrate, loadMigrations } from './src/datastore/migrator';
export { dumpSchema } from './src/datastore/schema-dump';
export { createMysqlPool } from './src/datastore/mysql-pool';
export type { MysqlConnectionConfig } from './src/datastore/mysql-pool';
export { formatPacerDescriptor, parsePacerDescriptor, isPacerDescriptor } from './src/descriptors/pacer-descriptor';
export type { PacerJobRef } from './src/descriptors/pacer-descriptor';
export { loadBrokerConfig } from './src/config';
export type { BrokerConfig, BrokerClusterConfig } from './src/config';
export { ClusterMembership } from './src/broker/cluster-membership';
export { readClusterStatus, formatClusterStatus } from './src/coordination/cluster-status';
export type { ClusterStatus } from './src/coordination/cluster-status';
export { pacerStatusCommand, runPacerStatus } from './src/cli/status';
export type { PacerCliContext, PacerStatusOptions } from './src/cli/status';
export { brokerStatusCommand, runBrokerStatus } from './src/cli/broker-status';
export type { BrokerStatusOptions } from './src/cli/broker-status';
export { ClusterNotFoundError, ClusterSettingsAdmin, ClusterSettingsConflictError } from './src/cli/cluster-settings-admin';
export type { ClusterLocationOptions, ClusterSettingsSnapshot } from './src/cli/cluster-settings-admin';
export { MAX_PARTITIONS_IN_TRANSITION_LIMIT } from './src/cli/cluster-settings-record';
export type { RebalanceType, TypedRebalance } from './src/coordination/helix-records';
export { MIGRATOR_PASSWORD_VARIABLE, runSchemaMigrate, schemaMigrateCommand } from './src/migrate';
export type { SchemaMigrateContext, SchemaMigrateOptions } from './src/migrate';
