/** Stat names the legacy Redis backend emits, under PinLater's names (FACTS §6, §8, §9). */
export const redisStatNames = {
  queueNotFoundEnqueue: 'redis-queue-not-found-enqueue',
  initQueueNamesFailure: 'init-queuenames-failure',
  shardConnectionFailed: (host: string): string => `shard_connection_failed_${host}`,
  jobHashNotFound: (queue: string, shard: string, priority: number, op: 'lookup' | 'scan'): string =>
    `redis_job_hash_not_found_${queue}_${shard}_${priority}_${op}`,
  heartbeatFailures: (host: string, port: number): string => `heartbeat_failures_${host}_${port}`,
  healthcheckDead: (host: string, port: number): string => `healthcheck_dead_${host}_${port}`,
  monitorError: (exceptionName: string): string => `PinLater.RedisQueueMonitor.errors.${exceptionName}`,
  /** Ours (issue 8): a Lua-pattern body filter ran out of GATEWAY_BODY_FILTER_STEP_BUDGET. */
  bodyFilterBudgetExceeded: 'redis-body-filter-budget-exceeded',
} as const;
