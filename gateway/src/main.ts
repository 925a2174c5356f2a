import { hostname } from 'node:os';
import { CommanderError } from 'commander';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import type { MemoryStats } from '../../core/src/interfaces/stats';
import type { RoutingStatus } from '../../core/src/routing/queue-route';
import { startProcessTelemetry } from '../../core/src/telemetry/process-telemetry';
import { createLogger } from '../../core/src/logging/logger';
import { bootstrapLogger, exitFatally } from '../../core/src/logging/lifecycle-logger';
import { routeProcessOutput } from '../../core/src/logging/process-output';
import type { Logger } from '../../core/src/logging/logger';
import { systemClock } from '../../core/src/util/clock';
import { buildBackend } from './backend-registry';
import { ConfigError } from '../../core/src/config/parse-config';
import { loadConfig } from './config';
import type { GatewayConfig } from './config';
import { DashboardMetricReader } from './dashboard/dashboard-metric-reader';
import type { RoutingView } from './dashboard/gateway-dashboard';
import { startGateway } from './gateway-process';
import type { QueueRateLimits } from './rate-limit/queue-rate-limits';
import { setUpRateLimiting } from './rate-limit/rate-limit-setup';
import { buildRoutingGateway, openZookeeperRouteSource } from './routing-gateway';
import { gatewayTelemetryOf, type GatewayTelemetry } from './telemetry/gateway-telemetry';
import { InstrumentedStats } from './telemetry/instrumented-stats';
import { registerRoutingGauges } from './telemetry/routing-gauges';

/**
 * `npx tsx gateway/src/main.ts --properties config/redis.local.properties --backend-config config/redis.local.json`
 * `npx tsx gateway/src/main.ts --properties config/pacer.local.properties --routing-config config/routing.local.json`
 * Starts the gateway (one backend, or a routing gateway over every system its routing config
 * names); SIGTERM/SIGINT close it gracefully (server, then backend: for a routing gateway the
 * routing table's ZooKeeper session and every system) and exit 0. Every line it writes is one
 * pino JSON object: an invalid configuration is a `fatal` line on stderr (exit 2), a failure a
 * `fatal` line (exit 1); node warnings and libraries' console output go through the logger
 * (core/src/logging/process-output.ts). Only commander's usage text (a bad command line) is plain.
 */
const NAME = 'pinlater-gateway';

async function main(argv: string[]): Promise<number> {
  const output = routeProcessOutput(bootstrapLogger(NAME));
  let config: GatewayConfig;
  try {
    config = loadConfig(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof ConfigError) exitFatally(NAME, e, 2);
    throw e;
  }
  const logger = createLogger({ name: NAME, level: config.logLevel });
  output.useLogger(logger);
  // The built-in dashboard reads the same instruments as /metrics, through a reader of its own.
  const dashboardReader = config.telemetry.metrics ? new DashboardMetricReader() : undefined;
  const telemetry = startProcessTelemetry(config.telemetry, dashboardReader === undefined ? [] : [dashboardReader]);
  const stats = new InstrumentedStats();
  const gatewayTelemetry = gatewayTelemetryOf(telemetry, stats, dashboardReader);
  const rateLimiting = await setUpRateLimiting(
    { queueConfigFile: config.queueConfigFile, serverSetFile: config.serverSetFile, pollIntervalMs: config.configPollMs },
    systemClock,
    logger.child({ component: 'rate-limit' }),
  );
  const { backend, gauges, routingStatus, routing, gatewayId } = await buildServedBackend(config, logger, stats, gatewayTelemetry, rateLimiting.limits);
  if (routingStatus !== undefined) registerRoutingGauges(telemetry.meter, routingStatus);
  const gateway = await startGateway(
    {
      host: config.host,
      thriftPort: config.thriftPort,
      adminPort: config.adminPort,
      maxFrameBytes: config.maxFrameBytes,
      maxConnections: config.maxConnections,
      maxBufferedBytes: config.maxBufferedBytes,
      frameTimeoutMs: config.frameTimeoutMs,
      idleTimeoutMs: config.idleTimeoutMs,
      maxConcurrentRequests: config.maxConcurrentRequests,
      shutdownGraceMs: config.shutdownGraceMs,
      maxBatchItems: config.maxBatchItems,
      acceptFinagleUpgrade: config.acceptFinagleUpgrade,
      queueListRefreshMs: config.queueListRefreshMs,
      dashboardIntervalMs: config.dashboardIntervalMs,
      dequeueConcurrencyPerQueuePerShard: config.dequeueConcurrencyPerQueuePerShard,
      adminPasswordHash: config.adminPasswordHash,
    },
    {
      backend, rateLimiter: rateLimiting.limits, stats, clock: systemClock, logger, telemetry: gatewayTelemetry, ...(gauges === undefined ? {} : { gauges }), ...(routing === undefined ? {} : { routing }),
      limits: () => ({ gatewayId: gatewayId ?? null, ...rateLimiting.limits.report() }),
    },
  ).catch(async (e: unknown) => {
    await rateLimiting.close();
    await backend.close();
    await telemetry.close();
    throw e;
  });
  logger.info({ metrics: config.telemetry.metrics, tracesEndpoint: config.telemetry.tracesEndpoint ?? null, traceSampleRatio: config.telemetry.traceSampleRatio }, 'telemetry');
  await waitForSignal(logger);
  await rateLimiting.close();
  await gateway.close();
  await backend.close();
  await telemetry.close();
  logger.info('gateway stopped');
  return 0;
}

/** What the gateway serves: its one backend, or the routing backend over every configured system. */
async function buildServedBackend(
  config: GatewayConfig, logger: Logger, stats: MemoryStats, telemetry: GatewayTelemetry, limits: QueueRateLimits,
): Promise<{ backend: PinLaterBackend; gauges?: () => Record<string, number>; routingStatus?: () => RoutingStatus; routing?: RoutingView; gatewayId?: string }> {
  if (config.routing === undefined) {
    const system = { instruments: telemetry.instruments, system: config.backend };
    return { backend: await buildBackend({ kind: config.backend, backendConfig: config.backendConfig, backendConfigPath: config.backendConfigPath, settings: config.legacy, logger, stats, clock: systemClock, telemetry: system }) };
  }
  const gatewayId = config.routing.table.gatewayId ?? `${hostname()}:${config.thriftPort}`;
  const gateway = await buildRoutingGateway(config.routing, {
    pacerSettings: config.legacy,
    gatewayId,
    // docs/rate-limits.md: the queue limits in ZooKeeper, over queue_config.json's for the queues they name.
    queueLimits: (snapshot) => limits.applyZookeeperLimits(snapshot),
    openRouteSource: openZookeeperRouteSource,
    logger,
    stats,
    clock: systemClock,
    instruments: telemetry.instruments,
  });
  return { ...gateway, gatewayId, routing: { routeOf: gateway.routeOf, systems: gateway.systems, shadow: () => gateway.shadow } };
}

function waitForSignal(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => exitFatally(NAME, e),
);
