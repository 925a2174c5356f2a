/**
 * Configuration of the Pacer controller process and the cluster CLI, validated once
 * (`loadClusterConfig`, a zod schema applied by `parseConfig`): PACER_ZK_CONNECT
 * (host:port[/chroot]), PACER_CLUSTER, PACER_ZK_SESSION_TIMEOUT_MS, PACER_CONTROLLER_NAME,
 * PACER_LOG_LEVEL, and the OpenTelemetry variables (telemetry-settings.ts). CLI flags override.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { envInteger, envMatching, envString, withOverrides } from '../../../core/src/config/env-schema';
import { parseConfig } from '../../../core/src/config/parse-config';
import { loadTelemetrySettings, type TelemetrySettings } from '../../../core/src/telemetry/telemetry-settings';

export interface ClusterConfig {
  readonly zkConnect: string;
  readonly cluster: string;
  readonly sessionTimeoutMs: number;
  readonly controllerName: string;
  readonly logLevel: string;
  /** OpenTelemetry (core/src/telemetry/telemetry-settings.ts), service `pacer-controller`, instance = its name. */
  readonly telemetry: TelemetrySettings;
}

export const CLUSTER_DEFAULTS = {
  zkConnect: '127.0.0.1:2181',
  cluster: 'pacer',
  sessionTimeoutMs: 6000,
} as const;

/** The variables every cluster member reads the same way (controller, CLI, broker in cluster mode). */
export const clusterMemberVariables = {
  PACER_CLUSTER: envMatching(CLUSTER_DEFAULTS.cluster, /^[A-Za-z0-9_.-]+$/, '[A-Za-z0-9_.-]+'),
  PACER_ZK_SESSION_TIMEOUT_MS: envInteger(CLUSTER_DEFAULTS.sessionTimeoutMs, { min: 1000 }),
};

const clusterSchema = z.object({
  PACER_ZK_CONNECT: envString(CLUSTER_DEFAULTS.zkConnect),
  ...clusterMemberVariables,
  PACER_CONTROLLER_NAME: z.string().optional(),
  PACER_LOG_LEVEL: envString('info'),
});

/** Reads the variables (then `overrides`, the CLI flags); throws one ConfigError naming every variable that is wrong. */
export function loadClusterConfig(env: NodeJS.ProcessEnv, overrides: Partial<Record<string, string>> = {}): ClusterConfig {
  const vars = withOverrides(env, overrides);
  const v = parseConfig('Pacer cluster configuration', clusterSchema, vars);
  const controllerName = v.PACER_CONTROLLER_NAME ?? `controller_${hostname()}_${process.pid}`;
  return {
    zkConnect: v.PACER_ZK_CONNECT,
    cluster: v.PACER_CLUSTER,
    sessionTimeoutMs: v.PACER_ZK_SESSION_TIMEOUT_MS,
    controllerName,
    logLevel: v.PACER_LOG_LEVEL,
    telemetry: loadTelemetrySettings(vars, 'pacer-controller', controllerName),
  };
}

/** Maps commander option names to the variables they override. */
export const CLUSTER_FLAGS: Readonly<Record<string, string>> = {
  zk: 'PACER_ZK_CONNECT',
  cluster: 'PACER_CLUSTER',
  sessionTimeoutMs: 'PACER_ZK_SESSION_TIMEOUT_MS',
  name: 'PACER_CONTROLLER_NAME',
  logLevel: 'PACER_LOG_LEVEL',
};

export function flagOverrides(opts: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [flag, name] of Object.entries(CLUSTER_FLAGS)) {
    const value = opts[flag];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
