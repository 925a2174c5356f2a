/**
 * The environment every worker of a pool gets from its runtime (the pool manager's Deployment,
 * the local runtime's child process), read by the worker SDK's `workerConfigFromEnv`
 * (pacer/src/worker-sdk/). One list, so both runtimes and the SDK agree.
 */
import type { PoolSpec } from './pool-spec';

export const WORKER_ENV = {
  /** The queue the worker serves. */
  queue: 'PINLATER_QUEUE',
  /** host:port of the PinLater Thrift endpoint (the routing gateway). */
  gateway: 'PINLATER_GATEWAY',
  /** Jobs in flight per worker process. */
  concurrency: 'PINLATER_WORKER_CONCURRENCY',
  /** The pool's name (logs, metrics, the claim descriptor's source). */
  pool: 'PINLATER_WORKER_POOL',
} as const;

/** The runtime's variables for one pool, then the spec's own (which may not use PINLATER_*). */
export function workerEnv(spec: PoolSpec, gateway: string, pool: string): Record<string, string> {
  return {
    ...spec.env,
    [WORKER_ENV.queue]: spec.queue,
    [WORKER_ENV.gateway]: gateway,
    [WORKER_ENV.concurrency]: String(spec.concurrency),
    [WORKER_ENV.pool]: pool,
  };
}
