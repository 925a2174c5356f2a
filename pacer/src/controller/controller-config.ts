/**
 * Configuration of the Pacer controller process and the cluster CLI, validated once
 * (`loadClusterConfig`, a zod schema applied by `parseConfig`): PACER_ZK_CONNECT
 * (host:port[/chroot]), PACER_CLUSTER, PACER_ZK_SESSION_TIMEOUT_MS, PACER_CONTROLLER_NAME,
 * PACER_LOG_LEVEL, and the OpenTelemetry variables (telemetry-settings.ts). CLI flags override.
 * The controller process alone (`loadControllerConfig`) also reads PACER_CONTROLLER_STATUS_HOST,
 * the IP address its status port binds to (default 127.0.0.1).
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { envBindAddress, envInteger, envMatching, envString, withOverrides } from '../../../core/src/config/env-schema';
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

/** The controller process's own settings, on top of the cluster's. */
export interface ControllerConfig extends ClusterConfig {
  /** The IP address the status port (`--status-port`) binds to (PACER_CONTROLLER_STATUS_HOST, default 127.0.0.1; 0.0.0.0 in a pod). */
  readonly statusHost: string;
}

const controllerSchema = clusterSchema.extend({
  PACER_CONTROLLER_STATUS_HOST: envBindAddress(),
});

/** Reads the variables (then `overrides`, the CLI flags); throws one ConfigError naming every variable that is wrong. */
export function loadClusterConfig(env: NodeJS.ProcessEnv, overrides: Partial<Record<string, string>> = {}): ClusterConfig {
  const vars = withOverrides(env, overrides);
  return clusterConfig(vars, parseConfig('Pacer cluster configuration', clusterSchema, vars));
}

/** The controller process: the cluster settings and its status port's bind address, validated at once. */
export function loadControllerConfig(env: NodeJS.ProcessEnv, overrides: Partial<Record<string, string>> = {}): ControllerConfig {
  const vars = withOverrides(env, overrides);
  const v = parseConfig('Pacer controller configuration', controllerSchema, vars);
  return { ...clusterConfig(vars, v), statusHost: v.PACER_CONTROLLER_STATUS_HOST };
}

function clusterConfig(vars: Record<string, string | undefined>, v: z.output<typeof clusterSchema>): ClusterConfig {
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

/** The controller process's flags: the cluster's and its own. */
export const CONTROLLER_FLAGS: Readonly<Record<string, string>> = {
  ...CLUSTER_FLAGS,
  statusHost: 'PACER_CONTROLLER_STATUS_HOST',
};

export function flagOverrides(opts: Record<string, string | undefined>, flags: Readonly<Record<string, string>> = CLUSTER_FLAGS): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [flag, name] of Object.entries(flags)) {
    const value = opts[flag];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
