import type { MysqlConnectionConfig } from './datastore/mysql-pool';
import { PINLATER_MONITOR_DEFAULTS, type MonitorSettings } from './datastore/partition-monitor';
import type { BufferSettings } from './broker/owned-partition';

/** A partition the broker owns from startup (`queue:0-3` → partitions 0..3). */
export interface StaticAssignment {
  queue: string;
  partitions: number[];
}

/** Everything a Pacer broker process needs, validated once (`loadBrokerConfig`). */
export interface BrokerConfig {
  brokerId: string;
  host: string;
  port: number;
  mysql: MysqlConnectionConfig;
  buffer: BufferSettings;
  safetySweepMs: number;
  /** Every Nth safety sweep re-reads every owned partition; the others only probe for changes. */
  fullSweepEvery: number;
  monitor: MonitorSettings & { periodMs: number; enabled: boolean };
  /** Static assignment; `all` = own every partition a request or notification names. */
  assign: StaticAssignment[] | 'all';
  logLevel: string;
  shutdownTimeoutMs: number;
  /** Cluster mode (PACER_ZK_CONNECT set): ownership comes from the Helix-style controller, not `assign`. */
  cluster?: BrokerClusterConfig;
}

/** The broker as a Helix participant (instance name = broker id, endpoint = host:port it listens on). */
export interface BrokerClusterConfig {
  /** ZooKeeper `host:port[,host:port][/chroot]`. */
  zkConnect: string;
  cluster: string;
  sessionTimeoutMs: number;
  /** SIGTERM: wait this long for the controller to move every partition away (graceful hand-off). */
  drainTimeoutMs: number;
  /** After the hand-off, keep answering (`notOwned`) this long so gateways' routing catches up. */
  drainLingerMs: number;
}

export const BROKER_DEFAULTS = {
  port: 9191,
  capacityPerPriority: 1000,
  lowWater: 500,
  safetySweepMs: 5000,
  fullSweepEvery: 12,
  shutdownTimeoutMs: 20_000,
} as const;

/** Reads PACER_* variables (then `overrides`, e.g. CLI flags); throws one error listing every problem. */
export function loadBrokerConfig(env: NodeJS.ProcessEnv, overrides: Partial<Record<string, string>> = {}): BrokerConfig {
  const v = (name: string): string | undefined => overrides[name] ?? env[name];
  const problems: string[] = [];
  const int = (name: string, dflt: number, min = 0): number => {
    const raw = v(name);
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) problems.push(`${name} must be an integer >= ${min}, got '${raw}'`);
    return n;
  };
  const config: BrokerConfig = {
    brokerId: v('PACER_BROKER_ID') ?? `broker-${process.pid}`,
    host: v('PACER_BROKER_HOST') ?? '127.0.0.1',
    port: int('PACER_BROKER_PORT', BROKER_DEFAULTS.port),
    mysql: {
      host: v('PACER_MYSQL_HOST') ?? '127.0.0.1',
      port: int('PACER_MYSQL_PORT', 3306, 1),
      user: v('PACER_MYSQL_USER') ?? 'root',
      password: v('PACER_MYSQL_PASSWORD') ?? '',
      database: v('PACER_MYSQL_DATABASE') ?? '',
      connectionLimit: int('PACER_MYSQL_CONNECTIONS', 10, 1),
      connectTimeoutMs: int('PACER_MYSQL_CONNECT_TIMEOUT_MS', 5000, 1),
    },
    buffer: {
      capacityPerPriority: int('PACER_BUFFER_CAPACITY', BROKER_DEFAULTS.capacityPerPriority, 1),
      lowWater: int('PACER_BUFFER_LOW_WATER', BROKER_DEFAULTS.lowWater, 0),
    },
    safetySweepMs: int('PACER_SAFETY_SWEEP_MS', BROKER_DEFAULTS.safetySweepMs),
    fullSweepEvery: int('PACER_FULL_SWEEP_EVERY', BROKER_DEFAULTS.fullSweepEvery, 1),
    monitor: {
      claimTimeoutMs: int('PACER_CLAIM_TIMEOUT_MS', PINLATER_MONITOR_DEFAULTS.claimTimeoutMs, 1),
      succeededTtlMs: int('PACER_SUCCEEDED_TTL_MS', PINLATER_MONITOR_DEFAULTS.succeededTtlMs),
      failedTtlMs: int('PACER_FAILED_TTL_MS', PINLATER_MONITOR_DEFAULTS.failedTtlMs),
      updateMaxSize: int('PACER_MONITOR_BATCH', PINLATER_MONITOR_DEFAULTS.updateMaxSize, 1),
      periodMs: int('PACER_MONITOR_PERIOD_MS', PINLATER_MONITOR_DEFAULTS.periodMs, 1),
      enabled: (v('PACER_MONITOR_ENABLED') ?? 'true') !== 'false',
    },
    assign: parseAssignments(v('PACER_ASSIGN') ?? '', problems),
    logLevel: v('PACER_LOG_LEVEL') ?? 'info',
    shutdownTimeoutMs: int('PACER_SHUTDOWN_TIMEOUT_MS', BROKER_DEFAULTS.shutdownTimeoutMs, 1),
  };
  const zkConnect = v('PACER_ZK_CONNECT') ?? '';
  if (zkConnect !== '') {
    const cluster = v('PACER_CLUSTER') ?? 'pacer';
    if (!/^[A-Za-z0-9_.-]+$/.test(cluster)) problems.push(`PACER_CLUSTER must match [A-Za-z0-9_.-]+, got '${cluster}'`);
    if (config.assign === 'all' || config.assign.length > 0) problems.push('PACER_ASSIGN (static ownership) and PACER_ZK_CONNECT (cluster mode) are exclusive');
    config.cluster = {
      zkConnect,
      cluster,
      sessionTimeoutMs: int('PACER_ZK_SESSION_TIMEOUT_MS', 6000, 1000),
      drainTimeoutMs: int('PACER_DRAIN_TIMEOUT_MS', 10_000, 0),
      drainLingerMs: int('PACER_DRAIN_LINGER_MS', 500, 0),
    };
  }
  if (config.mysql.database === '') problems.push('PACER_MYSQL_DATABASE is required');
  if (config.buffer.lowWater > config.buffer.capacityPerPriority) problems.push('PACER_BUFFER_LOW_WATER must not exceed PACER_BUFFER_CAPACITY');
  if (problems.length > 0) throw new Error(`Invalid Pacer broker configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

/** `all`, or a comma list of `queue:N`, `queue:N-M`. */
export function parseAssignments(text: string, problems: string[]): StaticAssignment[] | 'all' {
  if (text.trim() === 'all') return 'all';
  const out: StaticAssignment[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^(\w+):(\d+)(?:-(\d+))?$/.exec(item);
    if (m === null) {
      problems.push(`PACER_ASSIGN item '${item}' must be queue:N or queue:N-M`);
      continue;
    }
    const from = Number(m[2]);
    const to = m[3] === undefined ? from : Number(m[3]);
    out.push({ queue: m[1] as string, partitions: Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i) });
  }
  return out;
}
