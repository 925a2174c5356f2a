/**
 * The local runtime's health (GET /health on its status port): every pool with its replicas and
 * whether the whole is healthy. Healthy (200) when every replica of every pool is `running`;
 * otherwise 503, and `problems` says which replica is not and why (restarting, crash-looping with
 * its last exit, stopping). Pure, so the unit spec pins the rules.
 */
import type { ReplicaExit, ReplicaStatus } from './local-replica';

export interface PoolStatus {
  readonly queue: string;
  readonly pool: string;
  /** The spec file. */
  readonly source: string;
  readonly argv: readonly string[];
  readonly desiredReplicas: number;
  readonly replicas: readonly ReplicaStatus[];
}

export interface RuntimeHealth {
  readonly status: 'ok' | 'unhealthy';
  /** One line per replica that is not running (empty when ok). */
  readonly problems: readonly string[];
  readonly gateway: string;
  readonly uptimeMs: number;
  readonly stopping: boolean;
  readonly pools: ReadonlyArray<PoolStatus & { readonly runningReplicas: number }>;
}

export function runtimeHealth(pools: readonly PoolStatus[], context: { gateway: string; uptimeMs: number; stopping: boolean }): RuntimeHealth {
  const problems: string[] = context.stopping ? ['the runtime is stopping'] : [];
  const withCounts = pools.map((p) => {
    for (const r of p.replicas) {
      if (r.state !== 'running') problems.push(`${p.queue} (${p.pool}) replica ${r.index}: ${describe(r)}`);
    }
    return { ...p, runningReplicas: p.replicas.filter((r) => r.state === 'running').length };
  });
  return { status: problems.length === 0 ? 'ok' : 'unhealthy', problems, ...context, pools: withCounts };
}

/** The HTTP status of a health: 200 ok, 503 otherwise. */
export function healthHttpStatus(health: RuntimeHealth): number {
  return health.status === 'ok' ? 200 : 503;
}

function describe(r: ReplicaStatus): string {
  const exit = r.lastExit === null ? '' : `, last exit ${describeExit(r.lastExit)}`;
  const next = r.nextStartInMs === null ? '' : `, next start in ${Math.ceil(r.nextStartInMs / 1000)} s`;
  switch (r.state) {
    case 'crash-looping':
      return `crash-looping (${r.consecutiveExits} exits since its last stable run${exit}${next}; see ${r.logFile ?? 'the runtime\'s output'})`;
    case 'restarting':
      return `restarting${exit}${next}`;
    default:
      return r.state;
  }
}

export function describeExit(exit: ReplicaExit): string {
  if (exit.error !== undefined) return `could not start: ${exit.error}`;
  if (exit.signal !== null) return `killed by ${exit.signal}`;
  return `code ${String(exit.code)}`;
}
