/**
 * `workerConfigFromEnv(env, options)`: a worker's configuration from the environment its runtime
 * gives it (pacer/src/worker-pools/worker-env.ts `WORKER_ENV`: the pool manager's Deployment, the
 * local runtime's child process) plus the options only code can give (the handler, the logger, …).
 * Called once, at the process's entry point, with `process.env`; nothing else reads the environment.
 *
 *   PINLATER_QUEUE               the queue (required)
 *   PINLATER_GATEWAY             host:port of the PinLater gateway (required)
 *   PINLATER_WORKER_CONCURRENCY  jobs in flight (default: options.concurrency, else 10)
 *   PINLATER_WORKER_POOL         the pool's name (default: the queue)
 *
 * The environment wins over `options` for these four. Problems are reported together with the
 * options' own, each named by its variable: `PINLATER_WORKER_CONCURRENCY: an integer from 1 to 1000`.
 */
import { ConfigError } from '../../../core/src/config/parse-config';
import { WORKER_ENV } from '../worker-pools/worker-env';
import { compileWorkerOptions, type WorkerConfig, type WorkerOptions } from './worker-options';

export type WorkerEnv = Readonly<Record<string, string | undefined>>;

/** Everything but what the environment gives; `concurrency` is the fallback when the variable is unset. */
export type WorkerEnvOptions = Omit<WorkerOptions, 'queue' | 'gateway' | 'pool'>;

export function workerConfigFromEnv(env: WorkerEnv, options: WorkerEnvOptions): WorkerConfig {
  const value = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const concurrency = value(WORKER_ENV.concurrency);
  const pool = value(WORKER_ENV.pool);
  const merged = {
    ...options,
    queue: value(WORKER_ENV.queue),
    gateway: value(WORKER_ENV.gateway),
    ...(concurrency === undefined ? {} : { concurrency: /^\d+$/.test(concurrency) ? Number(concurrency) : concurrency }),
    ...(pool === undefined ? {} : { pool }),
  } as WorkerOptions;
  try {
    return compileWorkerOptions(merged, {
      queue: WORKER_ENV.queue,
      gateway: WORKER_ENV.gateway,
      ...(concurrency === undefined ? {} : { concurrency: WORKER_ENV.concurrency }),
      ...(pool === undefined ? {} : { pool: WORKER_ENV.pool }),
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const unset = [WORKER_ENV.queue, WORKER_ENV.gateway].filter((name) => value(name) === undefined);
    throw new ConfigError(e.what, e.problems.map((p) => {
      const name = unset.find((n) => p.startsWith(`${n}: `));
      return name === undefined ? p : `${name}: not set; ${p.slice(name.length + 2)}`;
    }));
  }
}
