/**
 * The worker SDK's public entry point: a PinLater worker loop for TypeScript, speaking the PinLater
 * Thrift IDL to a gateway (so it also works against a legacy PinLater server). Import from here only.
 *
 *   import { createWorker, RetryableJobError } from '../src/worker-sdk';
 *   const worker = createWorker({ gateway: '127.0.0.1:9010', queue: 'thumbnails', concurrency: 8,
 *     handler: async (job) => { … throw new RetryableJobError('busy', 30_000); … } });
 *   await worker.start();
 *   …                                         // SIGTERM (core/src/util/stop-on-signals.ts):
 *   await worker.close({ deadlineMs: 20_000 });
 *
 * - `createWorker`, `Worker`: the worker (worker.ts: the dequeue loop, acks piggybacked on the next
 *   dequeue, bounded concurrency, retries with backoff, checkpoint heartbeats, graceful close).
 * - `compileWorkerOptions`, `workerConfigFromEnv`: options / the pool runtime's PINLATER_*
 *   environment compiled once into a validated config (every problem in one ConfigError).
 * - `RetryableJobError`, `NonRetryableJobError`: a handler's say over a failed job's retry.
 * - `WorkerStatusServer`: an optional `/health`, `/live`, `/metrics` port for a worker process
 *   (`statusPort`/`statusHost` of the config; a pool spec's `statusPort`, which Kubernetes probes);
 *   `/health` answers 503 while `worker.readiness()` (worker-readiness.ts) says not ready.
 * - `backoffDelayMs`: the worker's exponential backoff with jitter, for handlers that want the same.
 */
export { createWorker } from './create-worker';
export { Worker } from './worker';
export type { WorkerCloseOptions, WorkerCloseSummary } from './worker';
export { UNREACHABLE_AFTER_CALLS } from './worker-readiness';
export type { WorkerReadiness, WorkerState } from './worker-readiness';
export { compileWorkerOptions, parseGatewayAddress, WORKER_DEFAULTS, MAX_CONCURRENCY } from './worker-options';
export type { BackoffOptions, GatewayAddress, WorkerConfig, WorkerOptions } from './worker-options';
export { workerConfigFromEnv } from './worker-config-from-env';
export type { WorkerEnv, WorkerEnvOptions } from './worker-config-from-env';
export type { CheckpointOptions, Job, JobHandler } from './job';
export { NonRetryableJobError, RetryableJobError } from './job-errors';
export type { JobResult, WorkerCounts } from './worker-counters';
export { WORKER_STATUS_PATHS, WorkerStatusServer } from './worker-status-server';
export type { WorkerStatusServerOptions } from './worker-status-server';
export { backoffDelayMs } from './backoff';
export type { Backoff } from './backoff';
export { GatewayCallError } from './gateway-call-error';
export type { CallFailureKind } from './gateway-call-error';
