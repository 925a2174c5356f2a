import type { BackendKind } from '../../core/src/interfaces/pinlater-backend';
import { DEFAULT_BODY_FILTER_STEP_BUDGET, DEFAULT_BODY_REGEX_TIMEOUT_MS, type LegacyBackendSettings } from '../../core/src/types/legacy-backend-options';
import type { PropertyReader } from './property-reader';

/**
 * The backend part of PinLater's server properties (FACTS §12): what a legacy backend takes
 * (timeouts, pools, monitor, MySQL limits), and what Pacer takes from them (priority levels,
 * monitor timing). One reading for the single-backend gateway's properties and for each legacy
 * cluster's own properties file in a routing gateway, so a cluster keeps the settings its PinLater
 * operators already have. `backend` decides what is required: the MySQL-only keys are required
 * for `legacy-mysql` only.
 */
export function readLegacySettings(r: PropertyReader, backend: BackendKind): LegacyBackendSettings {
  const isMysql = backend === 'legacy-mysql';
  return {
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
      allowedHostnamePrefix: isMysql ? r.string('SHARD_ALLOWED_HOSTNAME_PREFIX') : (r.raw('SHARD_ALLOWED_HOSTNAME_PREFIX') ?? ''),
      configReloadMs: r.int('GATEWAY_CONFIG_POLL_SECONDS', { min: 1, fallback: 10 }) * 1000,
      // Ours (issue 8): server-side time limit of a MySQL count/scan/delete that runs a body regex.
      bodyRegexTimeoutMs: r.int('GATEWAY_BODY_REGEX_TIMEOUT_MS', { min: 1, max: 3_600_000, fallback: DEFAULT_BODY_REGEX_TIMEOUT_MS }),
    },
  };
}
