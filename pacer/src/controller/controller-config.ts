/**
 * Configuration of the Pacer controller process and the cluster CLI, validated once
 * (`loadClusterConfig`): PACER_ZK_CONNECT (host:port[/chroot]), PACER_CLUSTER,
 * PACER_ZK_SESSION_TIMEOUT_MS, PACER_CONTROLLER_NAME, PACER_LOG_LEVEL. CLI flags override.
 */
import { hostname } from 'node:os';

export interface ClusterConfig {
  readonly zkConnect: string;
  readonly cluster: string;
  readonly sessionTimeoutMs: number;
  readonly controllerName: string;
  readonly logLevel: string;
}

export const CLUSTER_DEFAULTS = {
  zkConnect: '127.0.0.1:2181',
  cluster: 'pacer',
  sessionTimeoutMs: 6000,
} as const;

export function loadClusterConfig(env: NodeJS.ProcessEnv, overrides: Partial<Record<string, string>> = {}): ClusterConfig {
  const v = (name: string): string | undefined => overrides[name] ?? env[name];
  const problems: string[] = [];
  const timeoutRaw = v('PACER_ZK_SESSION_TIMEOUT_MS');
  const sessionTimeoutMs = timeoutRaw === undefined || timeoutRaw === '' ? CLUSTER_DEFAULTS.sessionTimeoutMs : Number(timeoutRaw);
  if (!Number.isInteger(sessionTimeoutMs) || sessionTimeoutMs < 1000) {
    problems.push(`PACER_ZK_SESSION_TIMEOUT_MS must be an integer >= 1000, got '${timeoutRaw}'`);
  }
  const cluster = v('PACER_CLUSTER') ?? CLUSTER_DEFAULTS.cluster;
  if (!/^[A-Za-z0-9_.-]+$/.test(cluster)) problems.push(`PACER_CLUSTER must match [A-Za-z0-9_.-]+, got '${cluster}'`);
  const config: ClusterConfig = {
    zkConnect: v('PACER_ZK_CONNECT') ?? CLUSTER_DEFAULTS.zkConnect,
    cluster,
    sessionTimeoutMs,
    controllerName: v('PACER_CONTROLLER_NAME') ?? `controller_${hostname()}_${process.pid}`,
    logLevel: v('PACER_LOG_LEVEL') ?? 'info',
  };
  if (problems.length > 0) throw new Error(`Invalid Pacer cluster configuration:\n  ${problems.join('\n  ')}`);
  return config;
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
