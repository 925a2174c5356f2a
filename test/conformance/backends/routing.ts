/**
 * Profiles: the routing gateway (issue 10) in front of all three systems at once, one profile per
 * system the suite's queues land on: `routing-legacy-redis`, `routing-legacy-mysql`,
 * `routing-pacer`. The backend under test is what `gateway/src/routing-gateway.ts`
 * `buildRoutingGateway` composes, as `gateway/src/main.ts --routing-config` does: a RoutingBackend
 * over the legacy Redis cluster, the legacy MySQL cluster and Pacer (zookeeper topology, its
 * controller and broker processes), each built from its backend JSON, with its routes from a real
 * `ZkRouteSource` on the routing table the operator set up (routed-systems.ts). The profile's
 * system is the table's default destination, so every queue the suite creates gets a routing
 * record naming that system (created by this gateway), and every call about it is routed there
 * while the other two systems are live behind the same gateway.
 *
 * The systems themselves are shared by the file's routing blocks (routed-systems.ts); each block
 * composes its own gateway over them (like three gateways with different default destinations),
 * waits until its routing table is loaded, and at its end checks that every queue on every system
 * is where its record says (`placementProblems`) before closing its gateway.
 *
 * Traits: the system's own (a queue with no record that no system holds goes to the default
 * destination, which answers as it does for a missing queue). A difference is a routing bug.
 */
import { MemoryStats } from '../../../core/src/interfaces/stats';
import { createLogger } from '../../../core/src/logging/logger';
import type { RouteDestination } from '../../../core/src/routing/queue-route';
import { PACER_SYSTEM, type RoutingBackend } from '../../../core/src/routing/routing-backend';
import { systemClock } from '../../../core/src/util/clock';
import { buildRoutingGateway, openZookeeperRouteSource } from '../../../gateway/src/routing-gateway';
import { DEFAULT_ROUTING_ROOT } from '../../../migration/index';
import { eventually } from '../../support/eventually';
import { randomAlnum } from '../../support/namespaces';
import { testLogLevel } from '../../support/test-env';
import type { BackendInstance, BackendProfile, ConformanceNamespace } from '../harness/backend-profile';
import { legacyMysqlProfile } from './legacy-mysql';
import { legacyRedisProfile } from './legacy-redis';
import { legacySettings } from './legacy-settings';
import { pacerProfile } from './pacer';
import type { ProfileSystem } from './profile-system';
import { MYSQL_CLUSTER, REDIS_CLUSTER, placementProblems, routedSystems, type RoutedSystems, type SystemName } from './routed-systems';

/** How long a new gateway may take to read the routing table and see every system healthy. */
const READY_TIMEOUT_MS = 20_000;

/** What a routing block's test may inspect beyond the wire (routing.test.ts). */
export interface RoutedGateway {
  /** The system this profile's queues land on (the default destination). */
  readonly system: SystemName;
  readonly gatewayId: string;
  readonly systems: RoutedSystems;
}

const gateways = new WeakMap<object, RoutedGateway>();

/** The routed gateway behind a routing profile's backend (`ctx.backend`); throws for any other backend. */
export function routedGatewayOf(backend: object): RoutedGateway {
  const gateway = gateways.get(backend);
  if (gateway === undefined) throw new Error('not the backend of a routing profile');
  return gateway;
}

function routingProfile(name: string, system: SystemName, direct: BackendProfile): BackendProfile {
  return { name, create: (ns) => createRoutingGateway(ns, system), traits: direct.traits };
}

export const routingLegacyRedisProfile = routingProfile('routing-legacy-redis', REDIS_CLUSTER, legacyRedisProfile);
export const routingLegacyMysqlProfile = routingProfile('routing-legacy-mysql', MYSQL_CLUSTER, legacyMysqlProfile);
export const routingPacerProfile = routingProfile('routing-pacer', PACER_SYSTEM, pacerProfile);

export const ROUTING_PROFILES: readonly BackendProfile[] = [routingLegacyRedisProfile, routingLegacyMysqlProfile, routingPacerProfile];

async function createRoutingGateway(ns: ConformanceNamespace, system: SystemName): Promise<BackendInstance> {
  const set = await routedSystems();
  const gatewayId = `conformance-${system}-${randomAlnum(6)}`;
  const logger = createLogger({ name: `conformance:${ns.label}`, level: testLogLevel() });
  // The block's monitor settings for every system (timers off: tests call runMonitorOnce).
  const monitor = legacySettings(ns).monitor;
  const withMonitor = (s: ProfileSystem['settings']): ProfileSystem['settings'] => ({ ...s, monitor });
  const { backend } = await buildRoutingGateway(
    {
      file: set.configFile,
      legacyClusters: set.legacyClusters.map((c) => ({ ...c, settings: withMonitor(c.settings) })),
      pacer: set.pacer,
      table: { zookeeper: set.table.connectString, root: DEFAULT_ROUTING_ROOT, defaultDestination: destination(system), gatewayId },
    },
    {
      pacerSettings: withMonitor((set.systems.get(PACER_SYSTEM) as ProfileSystem).settings),
      gatewayId,
      openRouteSource: openZookeeperRouteSource,
      logger,
      stats: new MemoryStats(),
      clock: systemClock,
    },
  );
  try {
    await untilServing(backend);
  } catch (e) {
    await backend.close();
    throw e;
  }
  gateways.set(backend, { system, gatewayId, systems: set });
  let cleaned = false;
  return {
    backend,
    cleanup: async () => {
      if (cleaned) return;
      cleaned = true;
      let problems: string[];
      try {
        problems = await placementProblems(set, { id: gatewayId, expected: system });
      } finally {
        await backend.close();
      }
      if (problems.length > 0) throw new Error(`routing gateway ${gatewayId}: queues in the wrong place:\n  ${problems.join('\n  ')}`);
    },
  };
}

function destination(system: SystemName): RouteDestination {
  return system === PACER_SYSTEM ? { mode: 'pacer' } : { mode: 'legacy', cluster: system };
}

/** A routing gateway serves nothing routed before it read the table: wait for it, and for every system. */
async function untilServing(backend: RoutingBackend): Promise<void> {
  await eventually(async () => {
    const health = await backend.health();
    if (!health.healthy || health.routing.degraded) {
      throw new Error(`routing gateway not ready: ${JSON.stringify({ routing: health.routing, systems: health.systems })}`);
    }
  }, { timeoutMs: READY_TIMEOUT_MS, intervalMs: 50 });
}
