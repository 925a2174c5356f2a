/**
 * `createWorker(options)`: compiles the options once (worker-options.ts; a ConfigError naming
 * every problem) and builds the worker (worker.ts), not started. A config already compiled
 * (`workerConfigFromEnv`, worker-config-from-env.ts) is accepted as is: compiling is idempotent.
 *
 *   const worker = createWorker({ gateway: '127.0.0.1:9010', queue: 'thumbnails', concurrency: 8,
 *     handler: async (job) => { await render(job.body); } });
 *   await worker.start();
 *   …
 *   await worker.close({ deadlineMs: 20_000 });
 */
import { Worker } from './worker';
import { compileWorkerOptions, type WorkerConfig, type WorkerOptions } from './worker-options';

export function createWorker(options: WorkerOptions | WorkerConfig): Worker {
  return new Worker(compileWorkerOptions(options));
}
