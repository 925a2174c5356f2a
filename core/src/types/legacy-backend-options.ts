import type { Clock } from '../util/clock';
import type { Logger } from '../logging/logger';
import type { Stats } from '../interfaces/stats';

/**
 * Settings a legacy backend takes from PinLater's server properties (FACTS §12), already parsed
 * and validated by the process's config loader. Durations are milliseconds.
 */
export interface LegacyBackendSettings {
  numPriorityLevels: number;
  /**
   * BACKEND_QUERY_PARALLELISM: still read and validated, but no longer shapes the work. PinLater
   * split a batch into max(n / parallelism, 1)-sized serial slices; we run it with
   * `batchConcurrency` (docs/compatibility.md, "Batches run concurrently").
   */
  queryParallelism: number;
  /**
   * Ours, not PinLater's, and not a property (tests and benchmarks set it): operations of one batch
   * request (enqueue, ack, checkpoint, lookup) in flight at once. Default 100.
   */
  batchConcurrency?: number;
  /** BACKEND_NUM_AUTO_RETRIES: extra attempts per single-job operation. */
  autoRetries: number;
  /** BACKEND_CONNECTIONS_PER_SHARD: MySQL pool size per instance (Redis shares one connection per host). */
  connectionsPerShard: number;
  socketTimeoutMs: number;
  /** BACKEND_CONNECTION_MAX_WAIT_MILLIS: MySQL only, the wait for a pooled connection. */
  connectionMaxWaitMs: number;
  monitor: {
    claimTimeoutMs: number;
    succeededTtlMs: number;
    failedTtlMs: number;
    periodMs: number;
    updateMaxSize: number;
    /** GATEWAY_MONITOR_ENABLED. false: no timer; `runMonitorOnce()` still works (tests, tools). */
    enabled: boolean;
  };
  monitorConnectionsPerShard: number;
  monitorSocketTimeoutMs: number;
  /** Redis only (FACTS §8). */
  redisHealth: { pingIntervalMs: number; consecutiveFailures: number; consecutiveSuccesses: number };
  /**
   * Our setting, not PinLater's (GATEWAY_BODY_FILTER_STEP_BUDGET), Redis only: the Lua-pattern
   * body filter of one count, scan or delete request may take at most this many match steps
   * (evaluated in the gateway, not in Redis). Default DEFAULT_BODY_FILTER_STEP_BUDGET.
   */
  redisBodyFilterStepBudget?: number;
  /** MySQL only (FACTS §5, §12). */
  mysql: {
    countLimit: number;
    numDbPerQueue: number;
    allowedHostnamePrefix: string;
    /**
     * GATEWAY_CONFIG_POLL_SECONDS (ours; PinLater polls every 10 s): how often the backend JSON is
     * re-read. The gateway polls its rate-limit files at the same interval.
     */
    configReloadMs: number;
    /**
     * Our setting, not PinLater's (GATEWAY_BODY_REGEX_TIMEOUT_MS): server-side time limit of a
     * count, scan or delete statement that runs a body regex. Default DEFAULT_BODY_REGEX_TIMEOUT_MS.
     */
    bodyRegexTimeoutMs?: number;
  };
}

/** Default of `mysql.bodyRegexTimeoutMs` (PinLater has no limit; issue 8). */
export const DEFAULT_BODY_REGEX_TIMEOUT_MS = 5000;

/**
 * Default of `redisBodyFilterStepBudget` (PinLater has no limit; issue 8): about half a second of
 * one core for the gateway's matcher; a plain pattern over ~25 MB of bodies fits.
 */
export const DEFAULT_BODY_FILTER_STEP_BUDGET = 50_000_000;

/** What a legacy backend factory receives. `backendConfig` is PinLater's backend JSON, parsed. */
export interface LegacyBackendOptions {
  backendConfig: unknown;
  /** Path of the backend JSON, when it came from a file (MySQL reloads it on change). */
  backendConfigPath?: string;
  settings: LegacyBackendSettings;
  logger: Logger;
  stats: Stats;
  clock: Clock;
}

export const DEFAULT_LEGACY_SETTINGS: LegacyBackendSettings = {
  numPriorityLevels: 3,
  queryParallelism: 5,
  autoRetries: 2,
  connectionsPerShard: 10,
  socketTimeoutMs: 5000,
  connectionMaxWaitMs: 5000,
  monitor: {
    claimTimeoutMs: 180_000,
    succeededTtlMs: 3_600_000,
    failedTtlMs: 7_200_000,
    periodMs: 120_000,
    updateMaxSize: 1000,
    enabled: true,
  },
  monitorConnectionsPerShard: 3,
  monitorSocketTimeoutMs: 10_000,
  redisHealth: { pingIntervalMs: 5000, consecutiveFailures: 6, consecutiveSuccesses: 6 },
  mysql: { countLimit: 100_000, numDbPerQueue: 1, allowedHostnamePrefix: 'pinlaterlocaldb', configReloadMs: 10_000 },
};
