import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import type { Stats } from '../../core/src/interfaces/stats';
import type { Logger } from '../../core/src/logging/logger';
import type { QueueRoute, RouteSource, RoutingStatus } from '../../core/src/routing/queue-route';
import { RoutingBackend } from '../../core/src/routing/routing-backend';
import { ShadowEngine } from '../../core/src/shadow/shadow-engine';
import type { ShadowInspector } from '../../core/src/shadow/shadow-report';
import { DEFAULT_SHADOW_SETTINGS } from '../../core/src/shadow/shadow-settings';
import type { LegacyBackendSettings } from '../../core/src/types/legacy-backend-options';
import type { Clock } from '../../core/src/util/clock';
import { RoutingPaths, ZkRouteSource, type QueueLimitsListener } from '../../migration/index';
import { buildBackend, type BackendBuildInput } from './backend-registry';
import { openMoveLedgerResolver } from './move-ledger-resolver';
import type { RoutingGatewayConfig, RoutingTableConfig } from './routing-config';
import { routingGaugeNames } from './stats/stat-names';
import type { GatewayInstruments } from './telemetry/gateway-instruments';
import { ShadowInstruments } from './telemetry/shadow-instruments';

/** Opens the routing table a routing gateway serves (main.ts: `openZookeeperRouteSource`). */
export type RouteSourceOpener = (table: RoutingTableConfig, context: RouteSourceContext) => Promise<RouteSource>;

export interface RouteSourceContext {
  /** How this gateway names itself in ZooKeeper: `routing.gatewayId`, else host and Thrift port. */
  readonly gatewayId: string;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Where the queue limits in ZooKeeper go (docs/rate-limits.md); absent: not read. */
  readonly queueLimits?: QueueLimitsListener;
}

/**
 * The routing table in ZooKeeper (migration/index.ts `ZkRouteSource`): returns at once and reads
 * the table in the background, so a gateway started while ZooKeeper is unreachable comes up,
 * serves nothing routed and says so (`/health` routing.loaded false) until it has read it. With
 * `queueLimits`, the same session also applies the queue limits `<root>/limits` (the table counts
 * as loaded only once they were read too).
 */
export const openZookeeperRouteSource: RouteSourceOpener = (table, context) =>
  Promise.resolve(ZkRouteSource.start({
    zookeeper: { connectString: table.zookeeper },
    gatewayId: context.gatewayId,
    paths: new RoutingPaths(table.root),
    logger: context.logger,
    clock: context.clock,
    ...(context.queueLimits === undefined ? {} : { limits: { listener: context.queueLimits } }),
  }));

export interface RoutingGatewayDeps {
  /** The gateway's own properties' backend part: Pacer's priority levels and monitor timing. */
  readonly pacerSettings: LegacyBackendSettings;
  readonly gatewayId: string;
  readonly openRouteSource: RouteSourceOpener;
  readonly logger: Logger;
  readonly stats: Stats;
  readonly clock: Clock;
  /** Each system's backend is instrumented with these (metrics and spans labelled by system). */
  readonly instruments?: GatewayInstruments;
  /** The gateway's rate limits, told of the queue limits in ZooKeeper (docs/rate-limits.md). */
  readonly queueLimits?: QueueLimitsListener;
}

/** What main.ts serves in routing mode: one backend, and the gauges of its routing table. */
export interface RoutingGateway {
  /** Closing it closes the route source, the move ledger's pool and every system. */
  readonly backend: RoutingBackend;
  readonly gauges: () => Record<string, number>;
  /** The routing table's status (metrics read it at collection time). */
  readonly routingStatus: () => RoutingStatus;
  /** The route in force for a queue, from the table in memory (the dashboard and its gauges); may throw as RouteSource.routeOf does. */
  readonly routeOf: (queue: string) => QueueRoute | undefined;
  /** Every system by the label its metrics carry (legacy cluster names, `pacer`), for the backlog gauge. */
  readonly systems: ReadonlyMap<string, PinLaterBackend>;
  /** Shadow mode's comparison so far (issue 13; empty without Pacer), for the dashboard. */
  readonly shadow: ShadowInspector;
}

/** The inspector of a gateway without Pacer: nothing is ever shadowed. */
const NO_SHADOW: ShadowInspector = { queues: () => [], report: () => undefined };

interface Closeable {
  close(): Promise<void>;
}

/**
 * Composition of a routing gateway (issue 10): every legacy cluster and Pacer through the same
 * factories a single-backend gateway uses (backend-registry.ts), the routing table, the move
 * ledger when Pacer is configured (lookups of moved jobs, move-ledger-resolver.ts), and the
 * RoutingBackend over them. Systems are built one after another; when any step fails, what was
 * already built is closed (newest first) before the error goes on, so a failed start leaves no
 * pools, sessions or timers behind.
 */
export async function buildRoutingGateway(config: RoutingGatewayConfig, deps: RoutingGatewayDeps): Promise<RoutingGateway> {
  const built: Closeable[] = [];
  const track = <T extends Closeable>(resource: T): T => {
    built.push(resource);
    return resource;
  };
  try {
    const legacy = new Map<string, PinLaterBackend>();
    for (const cluster of config.legacyClusters) {
      const { backend: kind, backendConfig, backendConfigPath, settings } = cluster;
      const logger = deps.logger.child({ system: cluster.name });
      legacy.set(cluster.name, track(await buildBackend({ kind, backendConfig, backendConfigPath, settings, logger, stats: deps.stats, clock: deps.clock, ...telemetryOf(deps, cluster.name) })));
    }
    const pacer = config.pacer === undefined ? undefined : track(await buildPacer(config.pacer, deps));
    // Lookups of jobs a migration moved follow the move ledger in Pacer's database.
    const aliases = config.pacer === undefined ? undefined : track(openMoveLedgerResolver(config.pacer.backendConfig, deps.clock));
    const context: RouteSourceContext = { gatewayId: deps.gatewayId, logger: deps.logger, clock: deps.clock, ...(deps.queueLimits === undefined ? {} : { queueLimits: deps.queueLimits }) };
    const routes = track(await deps.openRouteSource(config.table, context));
    const shadow = pacer === undefined ? undefined : track(buildShadowEngine(config, pacer, deps));
    const backend = new RoutingBackend({
      legacy,
      ...(pacer === undefined ? {} : { pacer }),
      ...(shadow === undefined ? {} : { shadow }),
      ...(aliases === undefined ? {} : { aliases }),
      routes,
      defaultDestination: config.table.defaultDestination,
      clock: deps.clock,
      logger: deps.logger.child({ component: 'routing-backend' }),
      stats: deps.stats,
    });
    deps.logger.info({ systems: [...legacy.keys(), ...(pacer === undefined ? [] : ['pacer'])], defaultDestination: config.table.defaultDestination, gatewayId: deps.gatewayId }, 'routing gateway composed');
    const systems = new Map<string, PinLaterBackend>([...legacy, ...(pacer === undefined ? [] : [['pacer', pacer] as const])]);
    return { backend, gauges: () => routingGauges(routes.status()), routingStatus: () => routes.status(), routeOf: (q) => routes.routeOf(q), systems, shadow: shadow ?? NO_SHADOW };
  } catch (e) {
    await closeNewestFirst(built, deps.logger);
    throw e;
  }
}

function buildPacer(pacer: NonNullable<RoutingGatewayConfig['pacer']>, deps: RoutingGatewayDeps): Promise<PinLaterBackend> {
  const logger = deps.logger.child({ system: 'pacer' });
  const { backendConfig, backendConfigPath } = pacer;
  return buildBackend({ kind: 'pacer', backendConfig, backendConfigPath, settings: deps.pacerSettings, logger, stats: deps.stats, clock: deps.clock, ...telemetryOf(deps, 'pacer') });
}

/** Shadow mode's engine over Pacer (closed by the routing backend), with its metrics when the gateway has telemetry. */
function buildShadowEngine(config: RoutingGatewayConfig, pacer: PinLaterBackend, deps: RoutingGatewayDeps): ShadowEngine {
  const instruments = deps.instruments === undefined ? undefined : new ShadowInstruments(deps.instruments.meter, deps.instruments.queueSeries);
  const engine = new ShadowEngine({
    pacer,
    settings: config.shadow ?? DEFAULT_SHADOW_SETTINGS,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'shadow' }),
    ...(instruments === undefined ? {} : { observer: instruments }),
  });
  instruments?.registerGauges(engine);
  return engine;
}

/** Each system's backend instrumented under its name, when the gateway has telemetry. */
function telemetryOf(deps: RoutingGatewayDeps, system: string): Pick<BackendBuildInput, 'telemetry'> {
  return deps.instruments === undefined ? {} : { telemetry: { instruments: deps.instruments, system } };
}

/** The routing table's state as `/stats.txt` gauges (routingGaugeNames). */
export function routingGauges(status: RoutingStatus): Record<string, number> {
  return {
    [routingGaugeNames.degraded]: status.degraded ? 1 : 0,
    [routingGaugeNames.loaded]: status.loaded ? 1 : 0,
    [routingGaugeNames.appliedVersion]: status.appliedVersion,
    [routingGaugeNames.invalidRecords]: status.invalidRecords,
  };
}

/** Closes every resource even when one fails to close; the failures are logged, not thrown. */
async function closeNewestFirst(resources: Closeable[], logger: Logger): Promise<void> {
  for (const resource of [...resources].reverse()) {
    await resource.close().catch((err: unknown) => logger.warn({ err }, 'closing after a failed routing gateway start failed'));
  }
}
