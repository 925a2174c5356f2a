/**
 * One ROUTING gateway (`gateway/src/main.ts --routing-config`, issue 10) as a child process of a
 * benchmark: one legacy cluster (the given namespace, with exactly the properties a single-backend
 * gateway gets from gateway-child.ts, as the cluster's own properties and as the gateway's) and
 * the routing table at `table`. Config files in a temp dir; the process and the dir are registered
 * with the benchmark's `Teardown`. It listens before it has read the routing table: wait for its
 * presence (RoutingStore.gateways()) before sending it routed calls.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port';
import { startTsProcess, stopProcess } from './child-process';
import { gatewayProperties, listening, type GatewayChild } from './gateway-child';
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
}

/** Starts a routing gateway over `ns`; `stop()` ends it and deletes its config dir. */
export async function startRoutingGatewayChild(options: RoutingGatewayChildOptions, ns: LegacyNamespace, table: RoutingTableLocation, teardown: Teardown): Promise<RoutingGatewayChild> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-routing-gateway-'));
  const removeDir = teardown.track(() => rmSync(dir, { recursive: true, force: true }));
  const [port, adminPort] = [await freePort(), await freePort()];
  const properties = gatewayProperties(ns, port, adminPort);
  writeFileSync(join(dir, 'backend.json'), JSON.stringify(ns.backendJson));
  writeFileSync(join(dir, 'cluster.properties'), properties);
  writeFileSync(join(dir, 'gateway.properties'), properties);
  writeFileSync(join(dir, 'routing.json'), JSON.stringify({
    legacyClusters: [{ name: table.cluster, backend: options.backend, backendConfig: 'backend.json', properties: 'cluster.properties' }],
    routing: { zookeeper: table.zookeeper, defaultDestination: table.cluster, gatewayId: options.gatewayId },
  }));
  const args = ['--properties', join(dir, 'gateway.properties'), '--routing-config', join(dir, 'routing.json')];
  const child = startTsProcess('gateway/src/main.ts', args, options.name, options.nodeArgs ?? [], options.treeDir);
  const stopChild = teardown.track(() => stopProcess(child));
  const stop = async (): Promise<void> => {
    await stopChild();
    await removeDir();
  };
  try {
    await listening(child, port);
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, adminPort, pid: child.pid ?? Number.NaN, gatewayId: options.gatewayId, stop };
}
