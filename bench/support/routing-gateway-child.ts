/**
 * One ROUTING gateway (`gateway/src/main.ts --routing-config`, issue 10) as a child process of a
 * benchmark: one legacy cluster (the given namespace, with exactly the properties a single-backend
 * gateway gets from gateway-child.ts, as the cluster's own properties and as the gateway's) and
 * the routing table at `table`. Config files in a temp dir; the process and the dir are registered
 * with the benchmark's `Teardown`. It listens before it has read the routing table: wait for its
 * presence (RoutingStore.gateways()) before sending it routed calls.
 */
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port';
import { gatewayProperties, launchGateway, type GatewayChild } from './gateway-child';
import type { LegacyNamespace } from './legacy-namespace';
import type { Teardown } from './teardown';

export interface RoutingTableLocation {
  /** ZooKeeper connect string, chroot included. */
  readonly zookeeper: string;
  /** The legacy cluster's name in routing records (and the default destination). */
  readonly cluster: string;
}

export interface RoutingGatewayChild extends GatewayChild {
  readonly gatewayId: string;
  readonly adminPort: number;
}

export interface RoutingGatewayChildOptions {
  readonly treeDir: string;
  readonly name: string;
  readonly gatewayId: string;
  readonly backend: 'legacy-redis' | 'legacy-mysql';
  readonly nodeArgs?: readonly string[];
  /** Pacer's backend JSON (e.g. `{ mode: 'embedded', mysql }`): Pacer behind the gateway too; none by default. */
  readonly pacer?: unknown;
  /** The routing config's `shadow` object (shadow mode's settings); none by default. */
  readonly shadow?: Record<string, unknown>;
  /** The gateway's environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts a routing gateway over `ns`; `stop()` ends it and deletes its config dir. */
export async function startRoutingGatewayChild(options: RoutingGatewayChildOptions, ns: LegacyNamespace, table: RoutingTableLocation, teardown: Teardown): Promise<RoutingGatewayChild> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const properties = gatewayProperties(ns, port, adminPort);
  const routing = {
    legacyClusters: [{ name: table.cluster, backend: options.backend, backendConfig: 'backend.json', properties: 'cluster.properties' }],
    ...(options.pacer === undefined ? {} : { pacer: { backendConfig: 'pacer.json' } }),
    routing: { zookeeper: table.zookeeper, defaultDestination: table.cluster, gatewayId: options.gatewayId },
    ...(options.shadow === undefined ? {} : { shadow: options.shadow }),
  };
  const files: Record<string, string> = { 'backend.json': JSON.stringify(ns.backendJson), 'cluster.properties': properties, 'gateway.properties': properties, 'routing.json': JSON.stringify(routing) };
  if (options.pacer !== undefined) files['pacer.json'] = JSON.stringify(options.pacer);
  const args = (dir: string): string[] => ['--properties', join(dir, 'gateway.properties'), '--routing-config', join(dir, 'routing.json')];
  const launched = await launchGateway({ treeDir: options.treeDir, name: options.name, dirPrefix: 'bench-routing-gateway-', files, args, port, ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}), ...(options.env ? { env: options.env } : {}) }, teardown);
  return { port, adminPort, gatewayId: options.gatewayId, ...launched };
}
