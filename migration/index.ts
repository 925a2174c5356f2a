/**
 * Public entry point of migration/: the only module of this folder gateway/ may import.
 *
 * The routing table in ZooKeeper (issue 10), src/routing/:
 * - gateway side: `ZkRouteSource`, the `RouteSource` (core/src/routing/queue-route.ts) a routing
 *   gateway serves from;
 * - operator side: `RoutingStore` (compare-and-set writes, audit history, presence of the
 *   gateways), `setupRoutingTree` (the tree and its ACLs), `loadOperatorCredential`;
 * - queue limits (docs/rate-limits.md): `ZkLimitSource` (the gateway side, started by
 *   `ZkRouteSource` when given `limits`), the limit record format;
 * - the formats: routing records, transitions, history entries, gateway presence, znode paths.
 */
export { ZkRouteSource } from './src/routing/zk-route-source';
export type { ZkRouteSourceOptions } from './src/routing/zk-route-source';
export { RoutingStore, UNREADABLE_RECORD_VERSION } from './src/routing/routing-store';
export type { RoutingChange, RoutingListing, RoutingStoreOptions, RoutingWriteResult } from './src/routing/routing-store';
export { setupRoutingTree } from './src/routing/routing-tree-setup';
export type { RoutingTreeSetup, RoutingTreeSetupOptions } from './src/routing/routing-tree-setup';
export { loadOperatorCredential, CREDENTIAL_FILE_VARIABLE, CREDENTIAL_VARIABLE } from './src/routing/operator-credential';
export { RoutingConflictError, RoutingPermissionError, RoutingTransitionError } from './src/routing/routing-errors';
export { RoutingTreeMissingError } from './src/routing/routing-table-reader';
export { DEFAULT_ROUTING_ROOT, RoutingNameError, RoutingPaths } from './src/routing/routing-paths';
export {
  MIGRATION_DIRECTIONS, MIGRATION_MODES, ROUTABLE_MODES, ROUTING_MODES, ROUTING_RECORD_FORMAT, SERVED_MODES, RoutingRecordError, isRoutableMode, isServedMode,
  parseRoutingRecord, serializeRoutingRecord,
} from './src/routing/routing-record';
export type { RoutableMode, RoutingMode, RoutingRecord, ServedMode } from './src/routing/routing-record';
export { TRANSITIONS, transition } from './src/routing/routing-transitions';
export type { ModeState, Precondition, Transition } from './src/routing/routing-transitions';
export { routeOfRecord } from './src/routing/record-route';
export { DEFAULT_HISTORY_LIMIT } from './src/routing/routing-history';
export type { RoutingHistoryEntry } from './src/routing/routing-history';
export type { HistoryQuery } from './src/routing/routing-history-log';
export type { GatewayPresence } from './src/routing/gateway-presence';
export { ZkLimitSource } from './src/routing/zk-limit-source';
export type { QueueLimitsListener, QueueLimitsSnapshot, ZkLimitSourceOptions } from './src/routing/zk-limit-source';
export { isPausedLimit, QUEUE_LIMIT_FORMAT } from './src/routing/queue-limit-record';
export type { QueueLimitRecord } from './src/routing/queue-limit-record';
