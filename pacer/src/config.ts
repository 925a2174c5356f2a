import { z } from 'zod';
import { envBindAddress, envBoolean, envInteger, envRequired, envString, withOverrides } from '../../core/src/config/env-schema';
import { parseConfig } from '../../core/src/config/parse-config';
import type { MysqlConnectionConfig } from './datastore/mysql-pool';
import { PINLATER_MONITOR_DEFAULTS, type MonitorSettings } from './datastore/partition-monitor';
import type { BufferSettings } from './broker/owned-partition';
import { CLAIM_MODES, DEFAULT_CLAIM_MODE, type ClaimMode } from './broker/claim-batcher';
import { LEASE_CAPABILITY_POLL_MS } from './coordination/lease-capable-cluster';
import { clusterMemberVariables } from './controller/controller-config';
import { loadTelemetrySettings, type TelemetrySettings } from '../../core/src/telemetry/telemetry-settings';

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
  /** How claims are recorded (PACER_CLAIMS): one lease per batch (default; issue 15) or per job row. */
  claims: ClaimMode;
  monitor: MonitorSettings & { periodMs: number; enabled: boolean };
  /** Static assignment; `all` = own every partition a request or notification names. */
  assign: StaticAssignment[] | 'all';
  logLevel: string;
  shutdownTimeoutMs: number;
  /** Cluster mode (PACER_ZK_CONNECT set): ownership comes from the Helix-style controller, not `assign`. */
  cluster?: BrokerClusterConfig;
  /** Port of the admin HTTP server (`/metrics`, `/live`, `/health`); undefined: none (PACER_ADMIN_PORT). */
  adminPort: number | undefined;
  /** The IP address the admin server binds to (PACER_ADMIN_HOST, default 127.0.0.1; 0.0.0.0 in a pod). */
  adminHost: string;
  /** OpenTelemetry (core/src/telemetry/telemetry-settings.ts), service `pacer-broker`, instance = broker id. */
  telemetry: TelemetrySettings;
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
  /** How often the live brokers are read for claim-lease support (coordination/lease-capable-cluster.ts). */
  leaseCapabilityPollMs: number;
}

export const BROKER_DEFAULTS = {
  port: 9191,
  capacityPerPriority: 1000,
  lowWater: 500,
  safetySweepMs: 5000,
  fullSweepEvery: 12,
  shutdownTimeoutMs: 20_000,
} as const;

/** The broker's variables (every mode); `PACER_ASSIGN` is read by `parseAssignments`. */
const brokerVariables = {
  PACER_BROKER_ID: z.string().optional(),
  PACER_BROKER_HOST: envString('127.0.0.1'),
  PACER_BROKER_PORT: envInteger(BROKER_DEFAULTS.port, { min: 0 }),
  PACER_MYSQL_HOST: envString('127.0.0.1'),
  PACER_MYSQL_PORT: envInteger(3306, { min: 1 }),
  PACER_MYSQL_USER: envString('root'),
  PACER_MYSQL_PASSWORD: envString(''),
  PACER_MYSQL_CONNECTIONS: envInteger(10, { min: 1 }),
  PACER_MYSQL_CONNECT_TIMEOUT_MS: envInteger(5000, { min: 1 }),
  PACER_BUFFER_CAPACITY: envInteger(BROKER_DEFAULTS.capacityPerPriority, { min: 1 }),
  PACER_BUFFER_LOW_WATER: envInteger(BROKER_DEFAULTS.lowWater, { min: 0 }),
  PACER_SAFETY_SWEEP_MS: envInteger(BROKER_DEFAULTS.safetySweepMs, { min: 0 }),
  PACER_FULL_SWEEP_EVERY: envInteger(BROKER_DEFAULTS.fullSweepEvery, { min: 1 }),
  PACER_CLAIMS: z.enum(CLAIM_MODES).default(DEFAULT_CLAIM_MODE),
  PACER_CLAIM_TIMEOUT_MS: envInteger(PINLATER_MONITOR_DEFAULTS.claimTimeoutMs, { min: 1 }),
  PACER_SUCCEEDED_TTL_MS: envInteger(PINLATER_MONITOR_DEFAULTS.succeededTtlMs, { min: 0 }),
  PACER_FAILED_TTL_MS: envInteger(PINLATER_MONITOR_DEFAULTS.failedTtlMs, { min: 0 }),
  PACER_MONITOR_BATCH: envInteger(PINLATER_MONITOR_DEFAULTS.updateMaxSize, { min: 1 }),
  PACER_MONITOR_PERIOD_MS: envInteger(PINLATER_MONITOR_DEFAULTS.periodMs, { min: 1 }),
  PACER_MONITOR_ENABLED: envBoolean(true),
  PACER_ASSIGN: z.string().optional().transform((text, ctx) => {
    const problems: string[] = [];
    const assign = parseAssignments(text ?? '', problems);
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return assign;
  }),
  PACER_LOG_LEVEL: envString('info'),
  PACER_SHUTDOWN_TIMEOUT_MS: envInteger(BROKER_DEFAULTS.shutdownTimeoutMs, { min: 1 }),
  PACER_MYSQL_DATABASE: envRequired(),
  PACER_ADMIN_PORT: z.string().optional().transform((text, ctx) => {
    if (text === undefined || text.trim() === '') return undefined;
    const port = Number(text);
    if (Number.isInteger(port) && port >= 0 && port <= 65_535) return port;
    ctx.addIssue({ code: 'custom', message: `must be a port number (0-65535), got '${text}'` });
    return z.NEVER;
  }),
  PACER_ADMIN_HOST: envBindAddress(),
};

/** Read only in cluster mode (PACER_ZK_CONNECT set); ignored otherwise, as they always were. */
const clusterVariables = {
  ...clusterMemberVariables,
  PACER_DRAIN_TIMEOUT_MS: envInteger(10_000, { min: 0 }),
  PACER_DRAIN_LINGER_MS: envInteger(500, { min: 0 }),
  PACER_LEASE_CAPABILITY_POLL_MS: envInteger(LEASE_CAPABILITY_POLL_MS, { min: 50 }),
};

/** Cross-variable checks run even when single variables failed (`when`), so every problem is listed at once. */
const always = { when: (): boolean => true };
const LOW_WATER = { ...always, path: ['PACER_BUFFER_LOW_WATER'], message: 'must not exceed PACER_BUFFER_CAPACITY' };
const EXCLUSIVE = { ...always, path: ['PACER_ASSIGN'], message: 'static ownership and PACER_ZK_CONNECT (cluster mode) are exclusive' };

const staticSchema = z.object(brokerVariables).refine(lowWaterFits, LOW_WATER);
const clusterSchema = z.object({ ...brokerVariables, ...clusterVariables }).refine(lowWaterFits, LOW_WATER).refine(noStaticAssignment, EXCLUSIVE);

/**
 * Reads PACER_* variables (then `overrides`, e.g. CLI flags) with one zod schema (`parseConfig`);
 * throws one ConfigError naming every variable that is wrong.
 */
export function loadBrokerConfig(env: NodeJS.ProcessEnv, overrides: Partial<Record<string, string>> = {}): BrokerConfig {
  const vars = withOverrides(env, overrides);
  const zkConnect = vars.PACER_ZK_CONNECT ?? '';
  const withTelemetry = (c: Omit<BrokerConfig, 'telemetry'>): BrokerConfig => ({ ...c, telemetry: loadTelemetrySettings(vars, 'pacer-broker', c.brokerId) });
  if (zkConnect === '') return withTelemetry(brokerConfig(parseConfig(WHAT, staticSchema, vars)));
  const parsed = parseConfig(WHAT, clusterSchema, vars);
  return withTelemetry({ ...brokerConfig(parsed), cluster: clusterConfig(zkConnect, parsed) });
}

const WHAT = 'Pacer broker configuration';

function brokerConfig(v: z.output<typeof staticSchema>): Omit<BrokerConfig, 'telemetry'> {
  return {
    brokerId: v.PACER_BROKER_ID ?? `broker-${process.pid}`,
    host: v.PACER_BROKER_HOST,
    port: v.PACER_BROKER_PORT,
    mysql: {
      host: v.PACER_MYSQL_HOST,
      port: v.PACER_MYSQL_PORT,
      user: v.PACER_MYSQL_USER,
      password: v.PACER_MYSQL_PASSWORD,
      database: v.PACER_MYSQL_DATABASE,
      connectionLimit: v.PACER_MYSQL_CONNECTIONS,
      connectTimeoutMs: v.PACER_MYSQL_CONNECT_TIMEOUT_MS,
    },
    buffer: { capacityPerPriority: v.PACER_BUFFER_CAPACITY, lowWater: v.PACER_BUFFER_LOW_WATER },
    safetySweepMs: v.PACER_SAFETY_SWEEP_MS,
    fullSweepEvery: v.PACER_FULL_SWEEP_EVERY,
    claims: v.PACER_CLAIMS,
    monitor: {
      claimTimeoutMs: v.PACER_CLAIM_TIMEOUT_MS,
      succeededTtlMs: v.PACER_SUCCEEDED_TTL_MS,
      failedTtlMs: v.PACER_FAILED_TTL_MS,
      updateMaxSize: v.PACER_MONITOR_BATCH,
      periodMs: v.PACER_MONITOR_PERIOD_MS,
      enabled: v.PACER_MONITOR_ENABLED,
    },
    assign: v.PACER_ASSIGN,
    logLevel: v.PACER_LOG_LEVEL,
    shutdownTimeoutMs: v.PACER_SHUTDOWN_TIMEOUT_MS,
    adminPort: v.PACER_ADMIN_PORT,
    adminHost: v.PACER_ADMIN_HOST,
  };
}

function clusterConfig(zkConnect: string, v: z.output<typeof clusterSchema>): BrokerClusterConfig {
  return {
    zkConnect,
    cluster: v.PACER_CLUSTER,
    sessionTimeoutMs: v.PACER_ZK_SESSION_TIMEOUT_MS,
    drainTimeoutMs: v.PACER_DRAIN_TIMEOUT_MS,
    drainLingerMs: v.PACER_DRAIN_LINGER_MS,
    leaseCapabilityPollMs: v.PACER_LEASE_CAPABILITY_POLL_MS,
  };
}

/** The low-water mark cannot exceed the capacity. */
function lowWaterFits(v: Record<string, unknown>): boolean {
  const { PACER_BUFFER_LOW_WATER: low, PACER_BUFFER_CAPACITY: capacity } = v;
  return !(typeof low === 'number' && typeof capacity === 'number' && low > capacity);
}

/** Cluster mode and a static assignment are exclusive. */
function noStaticAssignment(v: Record<string, unknown>): boolean {
  const assign = v.PACER_ASSIGN;
  return !(assign === 'all' || (Array.isArray(assign) && assign.length > 0));
}

/** `all`, or a comma list of `queue:N`, `queue:N-M`. */
export function parseAssignments(text: string, problems: string[]): StaticAssignment[] | 'all' {
  if (text.trim() === 'all') return 'all';
  const out: StaticAssignment[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^(\w+):(\d+)(?:-(\d+))?$/.exec(item);
    if (m === null) {
      problems.push(`item '${item}' must be queue:N or queue:N-M`);
      continue;
    }
    const from = Number(m[2]);
    const to = m[3] === undefined ? from : Number(m[3]);
    out.push({ queue: m[1] as string, partitions: Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i) });
  }
  return out;
}
