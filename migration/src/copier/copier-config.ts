/**
 * The copier process's configuration, loaded and validated once (core/src/config/parse-config.ts):
 * the routing gateway config it shares with the gateways and `pinlater-ops` (which systems exist,
 * where the routing table is), the operator credential (it flips routing records when a queue is
 * drained), and its own settings. Flags override the environment; main.ts hands the environment
 * snapshot here and nothing else reads `process.env`.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { envBindAddress } from '../../../core/src/config/env-schema';
import { ConfigError, parseConfig } from '../../../core/src/config/parse-config';
import { loadTelemetrySettings, type TelemetrySettings } from '../../../core/src/telemetry/telemetry-settings';
import type { DigestCredential } from '../../../core/src/zookeeper/zk-acl';
import type { RoutingGatewayConfig } from '../../../gateway/index';
import { gatewayEntry } from '../cli/lazy-entries';
import { loadOperatorCredential } from '../routing/operator-credential';
import { DEFAULT_COPIER_SETTINGS, type CopierSettings } from './copier-settings';

export interface CopierConfig {
  readonly routing: RoutingGatewayConfig;
  readonly credential: DigestCredential;
  readonly copierId: string;
  readonly settings: CopierSettings;
  readonly maxQueues: number;
  readonly logLevel: string;
  /** Port of the status endpoint (`/health`: JSON of the queues worked; `/metrics`); undefined: none. */
  readonly statusPort: number | undefined;
  /** The IP address the status endpoint binds to (PINLATER_COPIER_STATUS_HOST, default 127.0.0.1; 0.0.0.0 in a pod). */
  readonly statusHost: string;
  /** OpenTelemetry (core/src/telemetry/telemetry-settings.ts), service `pinlater-copier`, instance = copier id. */
  readonly telemetry: TelemetrySettings;
}

export type CopierFlags = Partial<Record<'config' | 'id' | 'batchSize' | 'quietPeriodMs' | 'maxQueues' | 'logLevel' | 'statusPort' | 'statusHost' | 'latencyThresholdMs', string>>;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  PINLATER_ROUTING_CONFIG: z.string().min(1, 'the routing gateway config file (--config or PINLATER_ROUTING_CONFIG)'),
  PINLATER_COPIER_ID: z.string().regex(/^[A-Za-z0-9_.:-]{1,150}$/, 'letters, digits, _ . : - (at most 150)').optional(),
  PINLATER_COPIER_BATCH_SIZE: int(1, 5000).default(DEFAULT_COPIER_SETTINGS.batchSize),
  PINLATER_COPIER_QUIET_PERIOD_MS: int(0, 86_400_000).default(DEFAULT_COPIER_SETTINGS.quietPeriodMs),
  PINLATER_COPIER_LEASE_TTL_MS: int(1000, 600_000).default(DEFAULT_COPIER_SETTINGS.leaseTtlMs),
  PINLATER_COPIER_LATENCY_THRESHOLD_MS: int(1, 60_000).default(DEFAULT_COPIER_SETTINGS.latencyThresholdMs),
  PINLATER_COPIER_LATE_SWEEP_INTERVAL_MS: int(100, 3_600_000).default(DEFAULT_COPIER_SETTINGS.lateSweepIntervalMs),
  PINLATER_COPIER_MAX_QUEUES: int(1, 256).default(8),
  PINLATER_COPIER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  PINLATER_COPIER_STATUS_PORT: int(0, 65_535).optional(),
  PINLATER_COPIER_STATUS_HOST: envBindAddress(),
});

export function loadCopierConfig(env: Readonly<Record<string, string | undefined>>, flags: CopierFlags): CopierConfig {
  const merged = {
    ...nonEmpty(env),
    ...defined({
      PINLATER_ROUTING_CONFIG: flags.config, PINLATER_COPIER_ID: flags.id, PINLATER_COPIER_BATCH_SIZE: flags.batchSize,
      PINLATER_COPIER_QUIET_PERIOD_MS: flags.quietPeriodMs, PINLATER_COPIER_MAX_QUEUES: flags.maxQueues,
      PINLATER_COPIER_LOG_LEVEL: flags.logLevel, PINLATER_COPIER_STATUS_PORT: flags.statusPort,
      PINLATER_COPIER_STATUS_HOST: flags.statusHost,
      PINLATER_COPIER_LATENCY_THRESHOLD_MS: flags.latencyThresholdMs,
    }),
  };
  const v = parseConfig('pinlater-copier configuration', schema, merged);
  const credential = loadOperatorCredential(env);
  const routing = gatewayEntry().loadRoutingConfig(v.PINLATER_ROUTING_CONFIG, { pacerPriorityLevels: undefined });
  if (routing.pacer === undefined) throw new ConfigError('pinlater-copier configuration', [`${v.PINLATER_ROUTING_CONFIG}: the routing config has no Pacer: there is nothing to migrate to`]);
  const copierId = v.PINLATER_COPIER_ID ?? `${hostname()}:${process.pid}`;
  return {
    routing, credential, copierId,
    telemetry: loadTelemetrySettings(env, 'pinlater-copier', copierId),
    settings: {
      ...DEFAULT_COPIER_SETTINGS,
      batchSize: v.PINLATER_COPIER_BATCH_SIZE,
      quietPeriodMs: v.PINLATER_COPIER_QUIET_PERIOD_MS,
      leaseTtlMs: v.PINLATER_COPIER_LEASE_TTL_MS,
      latencyThresholdMs: v.PINLATER_COPIER_LATENCY_THRESHOLD_MS,
      lateSweepIntervalMs: v.PINLATER_COPIER_LATE_SWEEP_INTERVAL_MS,
    },
    maxQueues: v.PINLATER_COPIER_MAX_QUEUES,
    logLevel: v.PINLATER_COPIER_LOG_LEVEL,
    statusPort: v.PINLATER_COPIER_STATUS_PORT,
    statusHost: v.PINLATER_COPIER_STATUS_HOST,
  };
}

function nonEmpty(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

function defined(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
}
