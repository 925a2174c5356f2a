import type { Stats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import { redisStatNames } from './redis-stat-names';

/** Pings one Redis; resolves true on `PONG`, false or rejects otherwise. */
export type RedisPing = () => Promise<boolean>;

export interface RedisHealthCheckerOptions {
  /** REDIS_HEALTH_CHECK_PING_INTERVAL_SECONDS (default 5 s). */
  pingIntervalMs: number;
  /** REDIS_HEALTH_CHECK_CONSECUTIVE_FAILURES (default 6): failed pings before a live server is dead. */
  consecutiveFailures: number;
  /** REDIS_HEALTH_CHECK_CONSECUTIVE_SUCCESSES (default 6): good pings before a dead server is live. */
  consecutiveSuccesses: number;
  stats: Stats;
  logger: Logger;
  /** Injectable for tests: the first ping waits `interval + random() × interval` (PinLater). */
  random?: () => number;
  /** Injectable for tests: overrides the first ping's delay. */
  initialDelayMs?: number;
}

/** What the checker currently believes about one host:port; updated in place by the checker. */
export interface ServerLiveness {
  readonly live: boolean;
}

interface TrackedServer {
  host: string;
  port: number;
  ping: RedisPing;
  live: boolean;
  failures: number;
  successes: number;
  timer?: NodeJS.Timeout;
  inFlight?: Promise<void>;
}

/**
 * PinLater's Redis health checking (FACTS §8; HealthChecker/ServerTracker/RedisHeartBeater): per
 * distinct host:port, PING every interval after an initial delay of interval + random(interval).
 * A server starts live, becomes dead after N consecutive failed pings and live again after M
 * consecutive successes. Each failed ping counts `heartbeat_failures_<host>_<port>`; each
 * live→dead transition counts `healthcheck_dead_<host>_<port>`.
 */
export class RedisHealthChecker {
  private readonly servers = new Map<string, TrackedServer>();
  private readonly options: RedisHealthCheckerOptions;
  private started = false;
  private stopped = false;

  constructor(options: RedisHealthCheckerOptions) {
    this.options = options;
  }

  /**
   * Registers a host:port once (several shards may share it). Returns its live view: a store
   * reads `live` on every call instead of looking the server up (`isLive`) each time.
   */
  addServer(host: string, port: number, ping: RedisPing): ServerLiveness {
    const key = `${host}:${port}`;
    const known = this.servers.get(key);
    if (known) return known;
    const server: TrackedServer = { host, port, ping, live: true, failures: 0, successes: 0 };
    this.servers.set(key, server);
    if (this.started) this.scheduleFirst(server);
    return server;
  }

  /** Unknown servers count as live (nothing says otherwise). */
  isLive(host: string, port: number): boolean {
    return this.servers.get(`${host}:${port}`)?.live ?? true;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    for (const server of this.servers.values()) this.scheduleFirst(server);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const server of this.servers.values()) {
      if (server.timer) clearTimeout(server.timer);
      server.timer = undefined;
    }
    await Promise.all([...this.servers.values()].map((s) => s.inFlight));
  }

  private scheduleFirst(server: TrackedServer): void {
    const interval = this.options.pingIntervalMs;
    const random = this.options.random ?? Math.random;
    this.schedule(server, this.options.initialDelayMs ?? interval + Math.floor(random() * interval));
  }

  private schedule(server: TrackedServer, delayMs: number): void {
    if (this.stopped) return;
    server.timer = setTimeout(() => {
      server.inFlight = this.check(server).finally(() => {
        server.inFlight = undefined;
        this.schedule(server, this.options.pingIntervalMs);
      });
    }, delayMs);
    server.timer.unref();
  }

  private async check(server: TrackedServer): Promise<void> {
    let ok = false;
    try {
      ok = await server.ping();
    } catch {
      ok = false;
    }
    if (ok) this.recordSuccess(server);
    else this.recordFailure(server);
  }

  private recordSuccess(server: TrackedServer): void {
    server.failures = 0;
    if (server.live) return;
    server.successes += 1;
    if (server.successes < this.options.consecutiveSuccesses) return;
    server.live = true;
    server.successes = 0;
    this.options.logger.info({ redis: `${server.host}:${server.port}` }, 'redis server is live again');
  }

  private recordFailure(server: TrackedServer): void {
    this.options.stats.incr(redisStatNames.heartbeatFailures(server.host, server.port));
    server.successes = 0;
    if (!server.live) return;
    server.failures += 1;
    if (server.failures < this.options.consecutiveFailures) return;
    server.live = false;
    server.failures = 0;
    this.options.stats.incr(redisStatNames.healthcheckDead(server.host, server.port));
    this.options.logger.warn({ redis: `${server.host}:${server.port}` }, 'redis server marked dead');
  }
}
