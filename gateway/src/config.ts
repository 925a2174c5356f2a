import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../../core/src/config/parse-config';
import type { BackendKind } from '../../core/src/interfaces/pinlater-backend';
import { DEFAULT_BODY_FILTER_STEP_BUDGET, DEFAULT_BODY_REGEX_TIMEOUT_MS, type LegacyBackendSettings } from '../../core/src/types/legacy-backend-options';
import { parseProperties } from './properties-file';
import { DEFAULT_TRANSPORT_LIMITS, defaultMaxBufferedBytes } from './server/transport-limits';
import type { TransportLimits } from './server/transport-limits';

/**
 * The gateway's configuration, validated once (TEAM-NOTES): PinLater's own server properties
 * file (FACTS §12 names, requiredness and defaults), PinLater's backend JSON, and a few
 * command-line overrides. Nothing else in the gateway reads files or `process.env` for settings.
 */
export interface GatewayConfig {
  backend: BackendKind;
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
  /** GATEWAY_QUEUE_LIST_REFRESH_SECONDS (ours): how often the list of existing queues (stat series) is re-read. */
  queueListRefreshMs: number;
  dequeueConcurrencyPerQueuePerShard: number;
  adminPasswordHash: string | undefined;
  queueConfigFile: string | undefined;
  serverSetFile: string | undefined;
  configPollMs: number;
  logLevel: string;
  legacy: LegacyBackendSettings;
  backendConfig: unknown;
  backendConfigPath: string;
}

interface CliOptions {
  properties: string;
  backendConfig: string;
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
    .requiredOption('--backend-config <file>', "PinLater backend JSON (e.g. config/redis.local.json)")
    .option('--backend <kind>', `backend: ${BACKENDS.join('|')} (default from PINLATER_BACKEND: redis → legacy-redis, else legacy-mysql)`, parseBackend)
    .option('--port <port>', 'Thrift port, overrides THRIFT_PORT', parsePort)
    .option('--admin-port <port>', 'admin HTTP port, overrides ADMIN_PORT/OSTRICH_PORT', parsePort)
    .option('--log-level <level>', 'overrides GATEWAY_LOG_LEVEL')
    .exitOverride();
}

/** Parses argv (without `node script`), reads the files, and validates everything at once. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const cli = buildCli();
  cli.parse(argv, { from: 'user' });
  const opts = cli.opts<CliOptions>();
  const props = parseProperties(readFileSync(opts.properties, 'utf8'));
  const backendConfigText = readFileSync(opts.backendConfig, 'utf8');
  const config = compileConfig(props, backendConfigText, opts, dirname(resolve(opts.properties)), env);
  return { ...config, backendConfigPath: resolve(opts.backendConfig) };
}

export function compileConfig(
  props: Map<string, string>,
  backendConfigText: string,
  opts: CliOptions,
  baseDir: string,
  env: NodeJS.ProcessEnv = {},
): GatewayConfig {
  const r = new PropertyReader(props);
  const backend = opts.backend ?? (props.get('PINLATER_BACKEND')?.trim() === 'redis' ? 'legacy-redis' : 'legacy-mysql');
  const isMysql = backend === 'legacy-mysql';
  const serverSetEnabled = r.bool('SERVER_SET_ENABLED');
  const path = (key: string): string | undefined => {
    const v = props.get(key)?.trim();
    return v ? (isAbsolute(v) ? v : resolve(baseDir, v)) : undefined;
  };
  const legacy: LegacyBackendSettings = {
    numPriorityLevels: r.int('NUM_PRIORITY_LEVELS', { min: 1 }),
    queryParallelism: r.int('BACKEND_QUERY_PARALLELISM', { min: 1 }),
    autoRetries: r.int('BACKEND_NUM_AUTO_RETRIES', { min: 0 }),
    connectionsPerShard: r.int('BACKEND_CONNECTIONS_PER_SHARD', { min: 1 }),
    socketTimeoutMs: r.int('BACKEND_SOCKET_TIMEOUT_SECONDS', { min: 0 }) * 1000,
    connectionMaxWaitMs: r.int('BACKEND_CONNECTION_MAX_WAIT_MILLIS', { min: 0 }),
    monitor: {
      claimTimeoutMs: r.int('BACKEND_MONITOR_JOB_CLAIMED_TIMEOUT_SECONDS', { min: 0 }) * 1000,
      succeededTtlMs: r.int('BACKEND_MONITOR_JOB_SUCCEEDED_GC_TTL_HOURS', { min: 0 }) * 3_600_000,
      failedTtlMs: r.int('BACKEND_MONITOR_JOB_FAILED_GC_TTL_HOURS', { min: 0 }) * 3_600_000,
      periodMs: r.int('BACKEND_MONITOR_THREAD_DELAY_SECONDS', { min: 1 }) * 1000,
      updateMaxSize: r.int('BACKEND_MONITOR_UPDATE_MAX_SIZE', { min: 1 }),
      enabled: r.bool('GATEWAY_MONITOR_ENABLED', true),
    },
    monitorConnectionsPerShard: r.int('MONITOR_CONNECTIONS_PER_SHARD', { min: 1, fallback: 3 }),
    monitorSocketTimeoutMs: r.int('MONITOR_SOCKET_TIMEOUT_SECONDS', { min: 0, fallback: 10 }) * 1000,
    redisHealth: {
      pingIntervalMs: r.int('REDIS_HEALTH_CHECK_PING_INTERVAL_SECONDS', { min: 1, fallback: 5 }) * 1000,
      consecutiveFailures: r.int('REDIS_HEALTH_CHECK_CONSECUTIVE_FAILURES', { min: 1, fallback: 6 }),
      consecutiveSuccesses: r.int('REDIS_HEALTH_CHECK_CONSECUTIVE_SUCCESSES', { min: 1, fallback: 6 }),
    },
    // Ours (issue 8): match steps the Redis Lua-pattern body filter of one request may take.
    redisBodyFilterStepBudget: r.int('GATEWAY_BODY_FILTER_STEP_BUDGET', { min: 1000, max: 1e12, fallback: DEFAULT_BODY_FILTER_STEP_BUDGET }),
    mysql: {
      countLimit: isMysql ? r.int('MYSQL_COUNT_LIMIT', { min: 1 }) : r.int('MYSQL_COUNT_LIMIT', { min: 1, fallback: 100_000 }),
      numDbPerQueue: r.int('MYSQL_NUM_DB_PER_QUEUE', { min: 1, fallback: 1 }),
      allowedHostnamePrefix: isMysql ? r.string('SHARD_ALLOWED_HOSTNAME_PREFIX') : (props.get('SHARD_ALLOWED_HOSTNAME_PREFIX') ?? ''),
      configReloadMs: r.int('GATEWAY_CONFIG_POLL_SECONDS', { min: 1, fallback: 10 }) * 1000,
      // Ours (issue 8): server-side time limit of a MySQL count/scan/delete that runs a body regex.
      bodyRegexTimeoutMs: r.int('GATEWAY_BODY_REGEX_TIMEOUT_MS', { min: 1, max: 3_600_000, fallback: DEFAULT_BODY_REGEX_TIMEOUT_MS }),
    },
  };
  const maxFrameBytes = r.int('GATEWAY_MAX_FRAME_BYTES', { min: 1024, max: 0x7fffffff, fallback: 64 * 1024 * 1024 });
  const config: GatewayConfig = {
    backend,
    host: props.get('GATEWAY_HOST')?.trim() || '0.0.0.0',
    thriftPort: opts.port ?? r.int('THRIFT_PORT', { min: 0, max: 65535 }),
    adminPort: opts.adminPort ?? r.int('ADMIN_PORT', { min: 0, max: 65535, fallback: r.int('OSTRICH_PORT', { min: 0, max: 65535, fallback: 9999 }) }),
    maxConcurrentRequests: r.int('MAX_CONCURRENT_REQUESTS', { min: 1 }),
    idleTimeoutMs: idleTimeoutMs(r, props),
    maxFrameBytes,
    ...transportLimits(r, props, maxFrameBytes),
    shutdownGraceMs: r.int('GATEWAY_SHUTDOWN_GRACE_SECONDS', { min: 0, fallback: 10 }) * 1000,
    maxBatchItems: r.int('GATEWAY_MAX_BATCH_ITEMS', { min: 1, fallback: 100_000 }),
    queueListRefreshMs: r.int('GATEWAY_QUEUE_LIST_REFRESH_SECONDS', { min: 1, fallback: 30 }) * 1000,
    dequeueConcurrencyPerQueuePerShard: r.int('BACKEND_DEQUEUE_CONCURRENCY_PER_QUEUE_PER_SHARD', { min: 1 }),
    adminPasswordHash: props.get('ADMIN_PASSWORD_HASH')?.trim() || undefined,
    queueConfigFile: path('QUEUE_CONFIG_FILE_PATH'),
    serverSetFile: serverSetEnabled ? path('SERVER_SET_PATH') : undefined,
    configPollMs: legacy.mysql.configReloadMs,
    logLevel: opts.logLevel ?? env.LOG_LEVEL ?? props.get('GATEWAY_LOG_LEVEL')?.trim() ?? 'info',
    legacy,
    backendConfig: r.json(backendConfigText),
    backendConfigPath: '',
  };
  if (serverSetEnabled && !config.serverSetFile) r.problem('SERVER_SET_PATH is required when SERVER_SET_ENABLED=true');
  if (r.problems.length > 0) throw new ConfigError('gateway configuration', r.problems);
  return config;
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

class PropertyReader {
  readonly problems: string[] = [];

  constructor(private readonly props: Map<string, string>) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  int(key: string, o: { min?: number; max?: number; fallback?: number } = {}): number {
    const raw = this.props.get(key)?.trim();
    if (raw === undefined || raw === '') {
      if (o.fallback !== undefined) return o.fallback;
      this.problems.push(`${key} is required`);
      return 0;
    }
    const n = /^[+-]?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || (o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) {
      this.problems.push(`${key} must be an integer${o.min !== undefined ? ` >= ${o.min}` : ''}${o.max !== undefined ? ` <= ${o.max}` : ''}, got "${raw}"`);
      return o.fallback ?? 0;
    }
    return n;
  }

  /** Commons-configuration booleans: true/false/yes/no/on/off, case-insensitive. */
  bool(key: string, fallback?: boolean): boolean {
    const raw = this.props.get(key)?.trim().toLowerCase();
    if (raw === undefined || raw === '') {
      if (fallback !== undefined) return fallback;
      this.problems.push(`${key} is required`);
      return false;
    }
    if (['true', 'yes', 'on'].includes(raw)) return true;
    if (['false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${key} must be true or false, got "${raw}"`);
    return false;
  }

  string(key: string): string {
    const raw = this.props.get(key)?.trim();
    if (!raw) this.problems.push(`${key} is required`);
    return raw ?? '';
  }

  json(text: string): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      this.problems.push(`backend config is not valid JSON: ${(e as Error).message}`);
      return undefined;
    }
  }
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
