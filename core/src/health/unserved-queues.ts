/**
 * What `/health` says about queues a backend cannot serve although its datastore answers (Pacer
 * cluster mode: partitions without a live broker). docs/health.md describes every backend's
 * `/health`.
 */

/** The verdict of `/health`: 200 for `ok` and `degraded`, 503 for `unready`. */
export type HealthStatus = 'ok' | 'degraded' | 'unready';

export interface UnservedQueues {
  /** One sentence: what is unserved, since when, and why it counts. */
  readonly detail: string;
  /** Queues with at least one unserved partition, and the first MAX_LISTED of them by name. */
  readonly queueCount: number;
  readonly queues: readonly string[];
  /** Unserved partitions (`<queue>_<partition>`), and the first MAX_LISTED of them. */
  readonly partitionCount: number;
  readonly partitions: readonly string[];
}

/** The longest list `/health` carries: a cluster with thousands of queues still answers in one small body. */
export const MAX_LISTED = 20;

/** The first MAX_LISTED of `names`, sorted. */
export function firstListed(names: Iterable<string>): string[] {
  return [...names].sort().slice(0, MAX_LISTED);
}

/**
 * Several systems' unserved queues as one (a routing gateway's `/health`): counts add up, lists
 * are cut to MAX_LISTED, each detail is prefixed with its system's name.
 */
export function mergeUnserved(bySystem: ReadonlyArray<readonly [string, UnservedQueues]>): UnservedQueues | undefined {
  if (bySystem.length === 0) return undefined;
  return {
    detail: bySystem.map(([system, u]) => `${system}: ${u.detail}`).join('; '),
    queueCount: bySystem.reduce((n, [, u]) => n + u.queueCount, 0),
    queues: firstListed(bySystem.flatMap(([, u]) => u.queues)),
    partitionCount: bySystem.reduce((n, [, u]) => n + u.partitionCount, 0),
    partitions: firstListed(bySystem.flatMap(([, u]) => u.partitions)),
  };
}
