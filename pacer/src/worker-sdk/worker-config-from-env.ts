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
 *   PINLATER_WORKER_STATUS_PORT  the process's status port, 1-65535 (default: options.statusPort, else none)
 *   PINLATER_WORKER_STATUS_HOST  its address, an IP (default: options.statusHost, else 127.0.0.1)
 *
 * The environment wins over `options` for these. Problems are reported together with the
 * options' own, each named by its variable: `PINLATER_WORKER_CONCURRENCY: an integer from 1 to 1000`.
 */
import { ConfigError } from '../../../core/src/config/parse-config';
import { WORKER_ENV } from '../worker-pools/worker-env';
import { compileWorkerOptions, type ProblemPlaces, type WorkerConfig, type WorkerOptions } from './worker-options';

export type WorkerEnv = Readonly<Record<string, string | undefined>>;

/** Everything but what the environment gives; `concurrency`, `statusPort`, `statusHost` are fallbacks when their variable is unset. */
export type WorkerEnvOptions = Omit<WorkerOptions, 'queue' | 'gateway' | 'pool'>;

/** A number when the text is digits only; otherwise the text, which the schema then names as the problem. */
const integerOrText = (text: string): number | string => (/^\d+$/.test(text) ? Number(text) : text);
const asText = (text: string): string => text;

/** The variables that may be unset: the option each sets and how its text becomes the option's value. */
const OPTIONAL_VARIABLES: ReadonlyArray<{ option: keyof WorkerOptions; name: string; parse: (text: string) => number | string }> = [
  { option: 'concurrency', name: WORKER_ENV.concurrency, parse: integerOrText },
  { option: 'pool', name: WORKER_ENV.pool, parse: asText },
  { option: 'statusPort', name: WORKER_ENV.statusPort, parse: integerOrText },
  { option: 'statusHost', name: WORKER_ENV.statusHost, parse: asText },
];

export function workerConfigFromEnv(env: WorkerEnv, options: WorkerEnvOptions): WorkerConfig {
  const value = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const set = OPTIONAL_VARIABLES.flatMap((v) => {
    const text = value(v.name);
    return text === undefined ? [] : [{ ...v, text }];
  });
  const merged = {
    ...options,
    queue: value(WORKER_ENV.queue),
    gateway: value(WORKER_ENV.gateway),
    ...Object.fromEntries(set.map((v) => [v.option, v.parse(v.text)])),
  } as WorkerOptions;
  const places: ProblemPlaces = { queue: WORKER_ENV.queue, gateway: WORKER_ENV.gateway, ...Object.fromEntries(set.map((v) => [v.option, v.name])) };
  try {
    return compileWorkerOptions(merged, places);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw withUnsetNamed(e, [WORKER_ENV.queue, WORKER_ENV.gateway].filter((name) => value(name) === undefined));
  }
}

/** A required variable that is unset says so: `PINLATER_QUEUE: not set; …`. */
function withUnsetNamed(e: ConfigError, unset: readonly string[]): ConfigError {
  return new ConfigError(e.what, e.problems.map((p) => {
    const name = unset.find((n) => p.startsWith(`${n}: `));
    return name === undefined ? p : `${name}: not set; ${p.slice(name.length + 2)}`;
  }));
}
