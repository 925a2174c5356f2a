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
  /** The worker's status port (`/health`, `/live`, `/metrics`), when the spec has a `statusPort`. */
  statusPort: 'PINLATER_WORKER_STATUS_PORT',
  /** The address the status port listens on, set with it. */
  statusHost: 'PINLATER_WORKER_STATUS_HOST',
} as const;

/** Where a worker's status port listens. */
export interface WorkerStatusAddress {
  readonly port: number;
  readonly host: string;
}

/** In a pod: every interface, so the kubelet can probe the pod's IP. */
export const POD_STATUS_HOST = '0.0.0.0';
/** A local child process: this host only. */
export const LOCAL_STATUS_HOST = '127.0.0.1';

/**
 * Local replica `index`'s status address: 127.0.0.1, the spec's `statusPort` plus the index (the
 * replicas share one host); none without a `statusPort`.
 */
export function localStatusAddress(spec: Pick<PoolSpec, 'statusPort'>, index: number): WorkerStatusAddress | undefined {
  return spec.statusPort === undefined ? undefined : { port: spec.statusPort + index, host: LOCAL_STATUS_HOST };
}

/**
 * The runtime's variables for one pool, then the spec's own (which may not use PINLATER_*).
 * `status`: the status port variables (absent: none, the worker serves no status port).
 */
export function workerEnv(spec: PoolSpec, gateway: string, pool: string, status?: WorkerStatusAddress): Record<string, string> {
  return {
    ...spec.env,
    [WORKER_ENV.queue]: spec.queue,
    [WORKER_ENV.gateway]: gateway,
    [WORKER_ENV.concurrency]: String(spec.concurrency),
    [WORKER_ENV.pool]: pool,
    ...(status === undefined ? {} : { [WORKER_ENV.statusPort]: String(status.port), [WORKER_ENV.statusHost]: status.host }),
  };
}
