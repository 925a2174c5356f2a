import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { hostname } from 'node:os';
import { ConfigError } from '../../core/src/config/parse-config';
import { loadTelemetrySettings, telemetryOff, type TelemetrySettings } from '../../core/src/telemetry/telemetry-settings';
import type { BackendKind } from '../../core/src/interfaces/pinlater-backend';
import type { LegacyBackendSettings } from '../../core/src/types/legacy-backend-options';
import { readLegacySettings } from './legacy-settings';
import { parseProperties } from './properties-file';
import { PropertyReader } from './property-reader';
import { loadRoutingConfig, type RoutingGatewayConfig } from './routing-config';
import { DEFAULT_TRANSPORT_LIMITS, defaultMaxBufferedBytes } from './server/transport-limits';
import type { TransportLimits } from './server/transport-limits';

/**
 * The gateway's configuration, validated once (TEAM-NOTES): PinLater's own server properties
 * file (FACTS §12 names, requiredness and defaults), what it serves (one backend from PinLater's
 * backend JSON, or, with `--routing-config`, every system a routing config names), and a few
 * command-line overrides. Nothing else in the gateway reads files or `process.env` for settings.
 */
export type GatewayConfig = SingleBackendGatewayConfig | RoutingModeGatewayConfig;

/** One backend, as PinLater runs: `--backend-config` (and `--backend` or PINLATER_BACKEND). */
export interface SingleBackendGatewayConfig extends GatewayServerConfig {
  backend: BackendKind;
  backendConfig: unknown;
  backendConfigPath: string;
  routing?: never;
}

/**
 * A routing gateway (`--routing-config`, issue 10): the systems and the routing table come from
 * the routing config; `legacy` (this gateway's own properties) gives Pacer its priority levels and
 * monitor timing, as it does for a single-backend Pacer gateway.
 */
export interface RoutingModeGatewayConfig extends GatewayServerConfig {
  routing: RoutingGatewayConfig;
  backend?: never;
  backendConfig?: never;
  backendConfigPath?: never;
}

/** The gateway's own settings, from its PinLater properties whatever it serves. */
export interface GatewayServerConfig {
  host: string;
  thriftPort: number;
  adminPort: number;
  maxConcurrentRequests: number;
  idleTimeoutMs: number;
  /** Gateway addition (PinLater: 0x7FFFFFFF); GATEWAY_MAX_FRAME_BYTES, default 64 MiB. */
  maxFrameBytes: number;
  /** GATEWAY_MAX_CONNECTIONS (ours, issue 8): connections beyond this are closed on accept. */
  maxConnections: number;
  /** GATEWAY_MAX_BUFFERED_BYTES (ours, issue 8): request bytes all connections may hold; >= maxFrameBytes. */
  maxBufferedBytes: number;
  /** GATEWAY_FRAME_TIMEOUT_SECONDS (ours, issue 8): a frame must arrive, and a reply be taken, within this. */
  frameTimeoutMs: number;
  shutdownGraceMs: number;
  /** GATEWAY_MAX_BATCH_ITEMS (ours): most jobs/acks/checkpoints/descriptors per call; caps dequeue and scan limits. */
  maxBatchItems: number;
  /** GATEWAY_ACCEPT_FINAGLE_UPGRADE (ours, default true): accept Finagle's TTwitter upgrade (trace context per call). */
  acceptFinagleUpgrade: boolean;
  /** GATEWAY_QUEUE_LIST_REFRESH_SECONDS (ours): how often the list of existing queues (stat series) is re-read. */
  queueListRefreshMs: number;
  /** GATEWAY_DASHBOARD_INTERVAL_SECONDS (ours, 1..60, default 5): one point of the built-in dashboard's history per interval (docs/dashboard.md). */
  dashboardIntervalMs: number;
  dequeueConcurrencyPerQueuePerShard: number;
  adminPasswordHash: string | undefined;
  queueConfigFile: string | undefined;
  serverSetFile: string | undefined;
  configPollMs: number;
  logLevel: string;
  legacy: LegacyBackendSettings;
  /** OpenTelemetry (core/src/telemetry/telemetry-settings.ts: OTEL_SDK_DISABLED, PINLATER_METRICS_ENABLED, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, …). */
  telemetry: TelemetrySettings;
}

interface CliOptions {
  properties: string;
  backendConfig?: string;
  routingConfig?: string;
  backend?: BackendKind;
  port?: number;
  adminPort?: number;
  logLevel?: string;
}

const BACKENDS: readonly BackendKind[] = ['legacy-redis', 'legacy-mysql', 'pacer'];

export function buildCli(): Command {
  return new Command('pinlater-gateway')
    .description('PinLater-compatible Thrift gateway (framed binary protocol, PinLater IDL)')
    .requiredOption('--properties <file>', "PinLater server properties file (e.g. config/redis.local.properties)")
    .option('--backend-config <file>', "PinLater backend JSON (e.g. config/redis.local.json); or --routing-config")
    .addOption(
      new Option('--routing-config <file>', 'routing gateway: every legacy cluster and Pacer behind one gateway, routed by ZooKeeper (e.g. config/routing.local.json)')
        .conflicts(['backendConfig', 'backend']),
    )
    .option('--backend <kind>', `backend: ${BACKENDS.join('|')} (default from PINLATER_BACKEND: redis → legacy-redis, else legacy-mysql)`, parseBackend)
    .option('--port <port>', 'Thrift port, overrides THRIFT_PORT', parsePort)
    .option('--admin-port <port>', 'admin HTTP port, overrides ADMIN_PORT/OSTRICH_PORT', parsePort)
    .option('--log-level <level>', 'overrides GATEWAY_LOG_LEVEL')
    .exitOverride();
}

/**
 * Parses argv (without `node script`), reads the files, and validates everything at once. Exactly
 * one of `--backend-config` (one backend) and `--routing-config` (a routing gateway) is given.
 */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const cli = buildCli();
  cli.parse(argv, { from: 'user' });
  const opts = cli.opts<CliOptions>();
  if (opts.backendConfig === undefined && opts.routingConfig === undefined) cli.error("error: one of '--backend-config <file>' or '--routing-config <file>' is required");
  const props = parseProperties(readFileSync(opts.properties, 'utf8'));
  const baseDir = dirname(resolve(opts.properties));
  if (opts.routingConfig !== undefined) return compileRoutingModeConfig(props, opts.routingConfig, opts, baseDir, env);
  const backendConfigPath = resolve(opts.backendConfig as string);
  const config = compileConfig(props, readFileSync(backendConfigPath, 'utf8'), opts, baseDir, env);
  return { ...config, backendConfigPath };
}

export function compileConfig(
  props: Map<string, string>,
  backendConfigText: string,
  opts: CliOptions,
  baseDir: string,
  env: NodeJS.ProcessEnv = {},
): SingleBackendGatewayConfig {
  const r = new PropertyReader(props);
  const backend = opts.backend ?? (props.get('PINLATER_BACKEND')?.trim() === 'redis' ? 'legacy-redis' : 'legacy-mysql');
  const server = readServerConfig(r, props, backend, opts, baseDir, env);
  const config: SingleBackendGatewayConfig = { ...server, backend, backendConfig: r.json(backendConfigText), backendConfigPath: '' };
  if (r.problems.length > 0) throw new ConfigError('gateway configuration', r.problems);
  return config;
}

/**
 * A routing gateway: its own properties (read as a Pacer gateway's: no MySQL-only key required)
 * and the routing config, every problem of both in one error.
 */
function compileRoutingModeConfig(props: Map<string, string>, routingConfigFile: string, opts: CliOptions, baseDir: string, env: NodeJS.ProcessEnv): RoutingModeGatewayConfig {
  const r = new PropertyReader(props);
  const server = readServerConfig(r, props, 'pacer', opts, baseDir, env);
  const problems = [...r.problems];
  let routing: RoutingGatewayConfig | undefined;
  try {
    // 0: NUM_PRIORITY_LEVELS itself is a problem above; Pacer's levels are then not compared.
    const levels = server.legacy.numPriorityLevels;
    routing = loadRoutingConfig(routingConfigFile, { pacerPriorityLevels: levels >= 1 ? levels : undefined });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems.map((p) => `${routingConfigFile}: ${p}`));
  }
  if (problems.length > 0 || routing === undefined) throw new ConfigError('gateway configuration', problems);
  return { ...server, routing };
}

/** The gateway's own settings; `backend` decides which backend keys are required (legacy-settings.ts). */
function readServerConfig(
  r: PropertyReader,
  props: Map<string, string>,
  backend: BackendKind,
  opts: CliOptions,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): GatewayServerConfig {
  const serverSetEnabled = r.bool('SERVER_SET_ENABLED');
  const path = (key: string): string | undefined => {
    const v = props.get(key)?.trim();
    return v ? (isAbsolute(v) ? v : resolve(baseDir, v)) : undefined;
  };
  const legacy = readLegacySettings(r, backend);
  const maxFrameBytes = r.int('GATEWAY_MAX_FRAME_BYTES', { min: 1024, max: 0x7fffffff, fallback: 64 * 1024 * 1024 });
  const config: GatewayServerConfig = {
    host: props.get('GATEWAY_HOST')?.trim() || '0.0.0.0',
    thriftPort: opts.port ?? r.int('THRIFT_PORT', { min: 0, max: 65535 }),
    adminPort: opts.adminPort ?? r.int('ADMIN_PORT', { min: 0, max: 65535, fallback: r.int('OSTRICH_PORT', { min: 0, max: 65535, fallback: 9999 }) }),
    maxConcurrentRequests: r.int('MAX_CONCURRENT_REQUESTS', { min: 1 }),
    idleTimeoutMs: idleTimeoutMs(r, props),
    maxFrameBytes,
    ...transportLimits(r, props, maxFrameBytes),
    shutdownGraceMs: r.int('GATEWAY_SHUTDOWN_GRACE_SECONDS', { min: 0, fallback: 10 }) * 1000,
    maxBatchItems: r.int('GATEWAY_MAX_BATCH_ITEMS', { min: 1, fallback: 100_000 }),
    acceptFinagleUpgrade: r.bool('GATEWAY_ACCEPT_FINAGLE_UPGRADE', true),
    queueListRefreshMs: r.int('GATEWAY_QUEUE_LIST_REFRESH_SECONDS', { min: 1, fallback: 30 }) * 1000,
    dashboardIntervalMs: r.int('GATEWAY_DASHBOARD_INTERVAL_SECONDS', { min: 1, max: 60, fallback: 5 }) * 1000,
    dequeueConcurrencyPerQueuePerShard: r.int('BACKEND_DEQUEUE_CONCURRENCY_PER_QUEUE_PER_SHARD', { min: 1 }),
    adminPasswordHash: props.get('ADMIN_PASSWORD_HASH')?.trim() || undefined,
    queueConfigFile: path('QUEUE_CONFIG_FILE_PATH'),
    serverSetFile: serverSetEnabled ? path('SERVER_SET_PATH') : undefined,
    configPollMs: legacy.mysql.configReloadMs,
    logLevel: opts.logLevel ?? env.LOG_LEVEL ?? props.get('GATEWAY_LOG_LEVEL')?.trim() ?? 'info',
    legacy,
    telemetry: telemetrySettings(r, env, opts.port ?? props.get('THRIFT_PORT')?.trim() ?? ''),
  };
  if (serverSetEnabled && !config.serverSetFile) r.problem('SERVER_SET_PATH is required when SERVER_SET_ENABLED=true');
  return config;
}

/** The gateway's telemetry settings from the environment; their problems join the config's. */
function telemetrySettings(r: PropertyReader, env: NodeJS.ProcessEnv, port: number | string): TelemetrySettings {
  try {
    return loadTelemetrySettings(env, 'pinlater-gateway', `${hostname()}:${port}`);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const p of e.problems) r.problem(p);
    return telemetryOff('pinlater-gateway');
  }
}

/**
 * PinLater's SERVER_CONN_MAX_IDLE_TIME_MINUTES (required, 0 disables), unless our
 * GATEWAY_IDLE_TIMEOUT_SECONDS (finer, for tests and tight deployments) is set: it wins.
 */
function idleTimeoutMs(r: PropertyReader, props: Map<string, string>): number {
  const minutes = r.int('SERVER_CONN_MAX_IDLE_TIME_MINUTES', { min: 0 });
  if (!props.get('GATEWAY_IDLE_TIMEOUT_SECONDS')?.trim()) return minutes * 60_000;
  return r.int('GATEWAY_IDLE_TIMEOUT_SECONDS', { min: 0, max: 31 * 86_400 }) * 1000;
}

/** The transport's budgets (issue 8); defaults in gateway/src/server/transport-limits.ts. */
function transportLimits(r: PropertyReader, props: Map<string, string>, maxFrameBytes: number): TransportLimits {
  const maxBufferedBytes = r.int('GATEWAY_MAX_BUFFERED_BYTES', { min: 1024, fallback: defaultMaxBufferedBytes(maxFrameBytes) });
  if (props.get('GATEWAY_MAX_BUFFERED_BYTES')?.trim() && maxBufferedBytes < maxFrameBytes) {
    r.problem(`GATEWAY_MAX_BUFFERED_BYTES must be >= GATEWAY_MAX_FRAME_BYTES (${maxFrameBytes}), got ${maxBufferedBytes}`);
  }
  return {
    maxConnections: r.int('GATEWAY_MAX_CONNECTIONS', { min: 1, fallback: DEFAULT_TRANSPORT_LIMITS.maxConnections }),
    maxBufferedBytes,
    frameTimeoutMs: r.int('GATEWAY_FRAME_TIMEOUT_SECONDS', { min: 1, max: 3600, fallback: DEFAULT_TRANSPORT_LIMITS.frameTimeoutMs / 1000 }) * 1000,
  };
}

function parseBackend(value: string): BackendKind {
  if (!(BACKENDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${BACKENDS.join(', ')}`);
  return value as BackendKind;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('expected a port number');
  return n;
}
