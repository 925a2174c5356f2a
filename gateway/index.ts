/**
 * Public entry point of gateway/ for the other composition roots (the operator CLI,
 * migration/src/cli/): the only module of this folder other folders' product code may import
 * (scripts/import-rules.ts). What it shares is how a routing gateway reads its systems, so a tool
 * reaches exactly the clusters and the routing table the gateways serve:
 *
 * - `loadRoutingConfig`: the routing gateway config file (legacy clusters, Pacer, routing table),
 *   validated once, every problem at once (src/routing-config.ts);
 * - `buildBackend`: one system's `PinLaterBackend` from its backend JSON and settings, through the
 *   same factories the gateway uses (src/backend-registry.ts).
 * - `parseProperties`, `isAdminPassword`: a PinLater properties file, and PinLater's deleteQueue
 *   password check against its ADMIN_PASSWORD_HASH (`pinlater-ops finalize --delete-legacy`).
 * - `PinLaterThriftClient`: a PinLater Thrift client (framed binary) for tools that talk to a
 *   gateway over the wire, like any PinLater client (`pinlater-ops jobs`, `queue status`).
 *
 * Not here: the Thrift server, handlers, the gateway process (src/main.ts runs on import).
 */
export { loadRoutingConfig } from './src/routing-config';
export type {
  LegacyClusterConfig, PacerSystemConfig, RoutingConfigContext, RoutingGatewayConfig, RoutingTableConfig,
} from './src/routing-config';
export { buildBackend } from './src/backend-registry';
export type { BackendBuildInput } from './src/backend-registry';
export { parseProperties } from './src/properties-file';
export { isAdminPassword } from './src/service/admin-password';
export { PinLaterThriftClient } from './src/client/pinlater-thrift-client';
export type { ClientOptions, ServerAddress, WireJobInfo } from './src/client/pinlater-thrift-client';
