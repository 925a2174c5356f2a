import { hostname } from 'node:os';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import type { MemoryStats } from '../../core/src/interfaces/stats';
import type { Logger } from '../../core/src/logging/logger';
import type { Clock } from '../../core/src/util/clock';
import { AdminHttpServer } from './admin/admin-http-server';
import { BacklogEndpoint } from './admin/backlog-endpoint';
import { DequeueRateStats } from './admin/dequeue-rate-stats';
import { QueueBacklogReader, type BacklogSource } from './admin/queue-backlog-reader';
import { SlidingWindowCounter } from './admin/sliding-window-counter';
import { startGatewayDashboard, type GatewayDashboard, type RoutingView } from './dashboard/gateway-dashboard';
import { PINLATER_IDL, SERVICE_NAME } from './generated/pinlater-idl';
import { createDispatcher } from './handlers/handler-table';
import type { LimitsReport } from './rate-limit/limits-report';
import type { DequeueRateLimiter } from './service/pinlater-service-impl';
import { KnownQueues } from './service/known-queues';
import { PinLaterServiceImpl } from './service/pinlater-service-impl';
import { RpcProcessor } from './server/rpc-processor';
import type { RpcDispatcher } from './server/rpc-processor';
import { StructCodec } from './server/struct-codec';
import { ThriftServer } from './server/thrift-server';
import { transportStatNames } from './stats/stat-names';
import { renderStatsText } from './stats/stats-text';
import type { GatewayTelemetry } from './telemetry/gateway-telemetry';
import { QueueDepthSampler } from './telemetry/queue-depth-sampler';

export interface GatewaySettings {
  host: string;
  thriftPort: number;
  /** undefined: no admin HTTP server (tests). */
  adminPort?: number;
  maxFrameBytes: number;
  /** GATEWAY_MAX_CONNECTIONS; default 10000. */
  maxConnections?: number;
  /** GATEWAY_MAX_BUFFERED_BYTES; default 4 × maxFrameBytes. */
  maxBufferedBytes?: number;
  /** GATEWAY_FRAME_TIMEOUT_SECONDS × 1000; default 60 s. */
  frameTimeoutMs?: number;
  idleTimeoutMs: number;
  maxConcurrentRequests: number;
  shutdownGraceMs: number;
  /** GATEWAY_MAX_BATCH_ITEMS; default 100000. */
  maxBatchItems?: number;
  /** GATEWAY_ACCEPT_FINAGLE_UPGRADE; default true: Finagle clients upgrade to TTwitter (trace headers); false: they stay plain. */
  acceptFinagleUpgrade?: boolean;
  /** GATEWAY_QUEUE_LIST_REFRESH_SECONDS × 1000; default 30 s. */
  queueListRefreshMs?: number;
  /** GATEWAY_DASHBOARD_INTERVAL_SECONDS × 1000; default 5 s. */
  dashboardIntervalMs?: number;
  dequeueConcurrencyPerQueuePerShard: number;
  adminPasswordHash: string | undefined;
  /** Defaults to the OS hostname (PinLater: InetAddress.getLocalHost().getHostName()). */
  hostname?: string;
}

export interface GatewayDeps {
  backend: PinLaterBackend;
  rateLimiter: DequeueRateLimiter;
  stats: MemoryStats;
  clock: Clock;
  logger: Logger;
  /** Gauges read when `/stats.txt` is rendered, beside the transport's (a routing gateway's routing state). */
  gauges?: () => Record<string, number>;
  /** OpenTelemetry (gateway-telemetry.ts); undefined: none (tests, tools). */
  telemetry?: GatewayTelemetry;
  /** A routing gateway's table, systems and shadow comparison, for the built-in dashboard. */
  routing?: RoutingView;
  /** `/limits` on the admin port: the dequeue limits in force (rate-limit/limits-report.ts); absent: 404. */
  limits?: () => LimitsReport;
}

/** Most queues whose dequeues `/backlog` counts (one 60-slot ring each; the stat series are capped at 5000 by default). */
const DEQUEUE_RATE_MAX_QUEUES = 10_000;

export interface RunningGateway {
  readonly thriftPort: number;
  readonly adminPort: number | undefined;
  readonly server: ThriftServer;
  /** Graceful: stop accepting, let in-flight requests finish (bounded), close the admin port. */
  close(): Promise<void>;
}

/**
 * Composition of the gateway around an already-built backend: service → handlers → Thrift codec
 * → framed TCP server, plus the admin HTTP port. The backend's lifetime belongs to the caller.
 */
export async function startGateway(settings: GatewaySettings, deps: GatewayDeps): Promise<RunningGateway> {
  const health = await deps.backend.health();
  const shards = Math.max(1, health.shards.length);
  const codec = new StructCodec(PINLATER_IDL);
  const methods = PINLATER_IDL.services[SERVICE_NAME] ?? [];
  let dispatcher: RpcDispatcher | undefined;
  const processor = new RpcProcessor({
    codec,
    methods,
    // The claim descriptor needs the bound port, so the service is built right after listen().
    dispatcher: { invoke: (m, a, c) => requireStarted(dispatcher).invoke(m, a, c) },
    logger: deps.logger,
  });
  const knownQueues = await startKnownQueues(settings, deps);
  const limits = { maxConnections: settings.maxConnections, maxBufferedBytes: settings.maxBufferedBytes, frameTimeoutMs: settings.frameTimeoutMs };
  const server = new ThriftServer(processor, { ...settings, port: settings.thriftPort, limits }, deps.logger, deps.stats);
  const address = await server.listen().catch(async (e: unknown) => {
    await knownQueues.close();
    throw e;
  });
  // `/backlog`'s dequeue rate: the jobs each dequeue returned (the service's `<q>_dequeue` stat), per queue over 60 s.
  const dequeues = new SlidingWindowCounter({ windowMs: 60_000, bucketMs: 1000, maxKeys: DEQUEUE_RATE_MAX_QUEUES, clock: deps.clock });
  const service = new PinLaterServiceImpl({ ...deps, stats: new DequeueRateStats(deps.stats, dequeues), knownQueues }, {
    maxBatchItems: settings.maxBatchItems,
    adminPasswordHash: settings.adminPasswordHash,
    dequeuePermitsPerQueue: settings.dequeueConcurrencyPerQueuePerShard * shards,
    maxConcurrentRequests: settings.maxConcurrentRequests,
    hostname: settings.hostname ?? hostname(),
    thriftPort: address.port,
    serverStartMillis: deps.clock.nowMs(),
  });
  dispatcher = createDispatcher(service, deps.telemetry?.instruments);
  const depthSampler = startDepthSampler(deps, knownQueues);
  const dashboard = startDashboard(settings, deps, knownQueues);
  let admin: { server: AdminHttpServer; port: number } | undefined;
  try {
    admin = settings.adminPort === undefined ? undefined : await startAdmin(settings, deps, { server, dashboard, dequeues });
  } catch (e) {
    await server.close(0);
    await dashboard.close();
    await depthSampler?.close();
    await knownQueues.close();
    throw e;
  }
  deps.logger.info({ port: address.port, adminPort: admin?.port, backend: deps.backend.kind }, 'gateway listening');
  return {
    thriftPort: address.port,
    adminPort: admin?.port,
    server,
    close: async () => {
      await server.close(settings.shutdownGraceMs);
      await admin?.server.close();
      await dashboard.close();
      await depthSampler?.close();
      await knownQueues.close();
    },
  };
}

/**
 * The queues that exist, read before the port opens: only they get stat series of their own
 * (issue 8: stats keyed by any name a client sends).
 */
async function startKnownQueues(settings: GatewaySettings, deps: GatewayDeps): Promise<KnownQueues> {
  const known = new KnownQueues(deps.backend, settings.queueListRefreshMs ?? 30_000, deps.logger.child({ component: 'known-queues' }));
  deps.stats.setQueueAdmission((queue) => known.has(queue));
  await known.start();
  return known;
}

/** The queue-depth gauges' sampler, when metrics are on: counts through the served backend, known queues only. */
function startDepthSampler(deps: GatewayDeps, knownQueues: KnownQueues): QueueDepthSampler | undefined {
  const t = deps.telemetry;
  if (t?.queueDepth === undefined) return undefined;
  const sampler = new QueueDepthSampler({
    backend: deps.backend, queues: (limit) => knownQueues.first(limit), queueSeries: (q) => deps.stats.queueSeries(q),
    meter: t.queueDepth.meter, intervalMs: t.queueDepth.intervalMs, logger: deps.logger.child({ component: 'queue-depth' }),
  });
  sampler.start();
  return sampler;
}

/** The built-in dashboard and the samplers feeding it (gateway/src/dashboard/gateway-dashboard.ts). */
function startDashboard(settings: GatewaySettings, deps: GatewayDeps, knownQueues: KnownQueues): GatewayDashboard {
  return startGatewayDashboard({
    backend: deps.backend, knownQueues, queueSeries: (q) => deps.stats.queueSeries(q), telemetry: deps.telemetry, routing: deps.routing,
    intervalMs: settings.dashboardIntervalMs, clock: deps.clock, logger: deps.logger,
  });
}

function requireStarted(dispatcher: RpcDispatcher | undefined): RpcDispatcher {
  if (!dispatcher) throw new Error('gateway not started yet');
  return dispatcher;
}

/** What the admin port serves besides the deps: the transport's gauges, the dashboard, the dequeue counts. */
interface AdminParts {
  readonly server: ThriftServer;
  readonly dashboard: GatewayDashboard;
  readonly dequeues: SlidingWindowCounter;
}

async function startAdmin(settings: GatewaySettings, deps: GatewayDeps, parts: AdminParts): Promise<{ server: AdminHttpServer; port: number }> {
  const { server, dashboard } = parts;
  const backlog = new BacklogEndpoint({
    reader: new QueueBacklogReader(backlogSource(deps), deps.clock), dequeues: parts.dequeues, clock: deps.clock, logger: deps.logger.child({ component: 'backlog' }),
  });
  const admin = new AdminHttpServer(
    {
      // docs/health.md: what each backend reports; `status` is always there (ok, degraded, unready).
      health: async () => {
        const h = await deps.backend.health();
        return { healthy: h.healthy, body: { ...h, status: h.status ?? (h.healthy ? 'ok' : 'unready') } };
      },
      statsText: () =>
        renderStatsText(deps.stats, {
          [transportStatNames.connections]: server.connectionCount,
          [transportStatNames.requestConcurrency]: server.requestConcurrency.running,
          [transportStatNames.requestQueueSize]: server.requestConcurrency.waiting,
          ...server.budgetGauges,
          ...deps.gauges?.(),
        }),
      ...(deps.telemetry?.metricsHandler === undefined ? {} : { metrics: deps.telemetry.metricsHandler }),
      dashboard: dashboard.routes,
      ...(deps.limits === undefined ? {} : { limits: deps.limits }),
      backlog: (query) => backlog.handle(query),
    },
    deps.logger,
  );
  const address = await admin.listen(settings.adminPort ?? 9999, settings.host);
  return { server: admin, port: address.port };
}

/** Where `/backlog` counts a queue: a routing gateway's systems by its routing table, else the one backend. */
function backlogSource(deps: GatewayDeps): BacklogSource {
  if (deps.routing === undefined) return { kind: 'single', name: deps.backend.kind, backend: deps.backend };
  return { kind: 'routing', routeOf: deps.routing.routeOf, systems: deps.routing.systems };
}
