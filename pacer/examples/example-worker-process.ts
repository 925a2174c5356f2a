/**
 * The process around an example worker (noop-worker.ts, demo-worker.ts): what a team's worker
 * entry point does with the worker SDK (pacer/src/worker-sdk/), once.
 *
 * - Configuration, read once here and nowhere else: the example's flags (commander: `--help`, its
 *   own options, `--status-port`, `--shutdown-deadline-ms`, `--log-level`) and the environment its
 *   runtime gives it (pacer/src/worker-pools/worker-env.ts: PINLATER_QUEUE, PINLATER_GATEWAY,
 *   PINLATER_WORKER_CONCURRENCY, PINLATER_WORKER_POOL, PINLATER_WORKER_STATUS_PORT/HOST; and the
 *   OpenTelemetry variables of core/src/telemetry/telemetry-settings.ts). Every problem of all of
 *   them in one `fatal` line, exit 1.
 * - Logs: pino JSON lines on stdout (core/src/logging/), also for node warnings and console output.
 * - Metrics: the worker SDK's (WORKER_SDK_METRICS) through the process's OpenTelemetry, served on
 *   the status port's `/metrics` (service.name `pinlater-worker`).
 * - The status port (`--status-port <p>`, or PINLATER_WORKER_STATUS_PORT, which wins: a pool spec's
 *   `statusPort`, where Kubernetes probes): `GET /health` (the example's JSON counters; 503 while
 *   the worker is not ready: `worker.readiness()`), `/live`, `/metrics`, on
 *   PINLATER_WORKER_STATUS_HOST (default 127.0.0.1; in a pod 0.0.0.0).
 * - SIGTERM/SIGINT: `worker.close()` (no more dequeues; jobs in flight finish or, past the deadline,
 *   go back to PENDING; the final acks), then the status port and telemetry close; exit 0, or 1
 *   when it fails or takes longer than the deadline plus a margin.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../../core/src/config/parse-config';
import { exitFatally, lifecycleLogger } from '../../core/src/logging/lifecycle-logger';
import type { Logger } from '../../core/src/logging/logger';
import { startProcessTelemetry } from '../../core/src/telemetry/process-telemetry';
import { loadTelemetrySettings, type TelemetrySettings } from '../../core/src/telemetry/telemetry-settings';
import { startProcess } from '../../core/src/util/process-startup';
import { stopOnSignals } from '../../core/src/util/stop-on-signals';
import {
  createWorker, workerConfigFromEnv, WorkerStatusServer, WORKER_DEFAULTS, type JobHandler, type Worker, type WorkerConfig,
} from '../src/worker-sdk';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** Time the forced exit allows beyond close's own deadline. */
const EXIT_MARGIN_MS = 5000;

const commonSchema = z.object({
  statusPort: z.coerce.number({ error: 'a port from 1 to 65535' }).int().min(1).max(65_535).optional(),
  shutdownDeadlineMs: z.coerce.number({ error: 'an integer from 100 to 3600000' }).int().min(100).max(3_600_000),
  logLevel: z.enum(LOG_LEVELS),
});
type CommonFlags = z.output<typeof commonSchema>;

export interface ExampleWorker<F extends object> {
  /** The process name: its log lines' `name`. */
  readonly name: string;
  readonly description: string;
  /** The `--help` text after the options. */
  readonly help: string;
  /** Adds the example's own options to the program. */
  readonly options: (program: Command) => Command;
  /** Validates the example's own flags (commander's raw values); part of the one config check. */
  readonly schema: z.ZodType<F>;
  readonly handler: (flags: F, logger: Logger) => JobHandler;
  /** The body of `GET /health`. */
  readonly health: (worker: Worker, config: WorkerConfig) => object;
}

interface Loaded<F> {
  readonly flags: F & CommonFlags;
  readonly worker: WorkerConfig;
  readonly telemetry: TelemetrySettings;
}

const ENV_HELP = `
Environment (set by the pool runtimes, pacer/src/worker-pools/worker-env.ts):
  PINLATER_QUEUE               the queue to work (required)
  PINLATER_GATEWAY             host:port of the PinLater gateway, e.g. 127.0.0.1:9010 (required)
  PINLATER_WORKER_CONCURRENCY  jobs in flight (default ${WORKER_DEFAULTS.concurrency})
  PINLATER_WORKER_POOL         the pool's name, in logs and the claim's source (default: the queue)
  PINLATER_WORKER_STATUS_PORT  the status port (/health, /live, /metrics); wins over --status-port
  PINLATER_WORKER_STATUS_HOST  the status port's address (default 127.0.0.1; 0.0.0.0 in a pod)
  OTEL_SDK_DISABLED, PINLATER_METRICS_ENABLED, …   telemetry (docs/observability.md)

Logs are JSON lines (pino) on stdout. SIGTERM/SIGINT: no more dequeues, the jobs in flight finish
(or go back to PENDING at the deadline), the last acks are sent, exit 0. Exit 1: configuration
or startup failure, or a shutdown that failed or overran.`;

function program<F extends object>(example: ExampleWorker<F>): Command {
  const base = new Command(example.name)
    .description(example.description)
    .option('--status-port <port>', 'serve GET /health (JSON counters; 503 while not ready), /live and /metrics on <port> (PINLATER_WORKER_STATUS_PORT wins)')
    .option('--shutdown-deadline-ms <ms>', 'how long a SIGTERM shutdown may take', String(WORKER_DEFAULTS.shutdownDeadlineMs))
    .option('--log-level <level>', 'pino level', 'info');
  return example.options(base).addHelpText('after', `${example.help}\n${ENV_HELP}`).exitOverride();
}

/** Flags and environment, validated together: one ConfigError with every problem. */
function load<F extends object>(example: ExampleWorker<F>, argv: readonly string[], env: NodeJS.ProcessEnv): Loaded<F> {
  const raw = program(example).parse([...argv]).opts<Record<string, unknown>>();
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  const common = attempt(() => flagsOf(commonSchema, raw));
  const own = attempt(() => flagsOf(example.schema, raw));
  const telemetry = attempt(() => loadTelemetrySettings(env, 'pinlater-worker', `${example.name}:${process.pid}`));
  const placeholder: JobHandler = () => undefined;
  const fallbacks = common ? { shutdownDeadlineMs: common.shutdownDeadlineMs, ...(common.statusPort === undefined ? {} : { statusPort: common.statusPort }) } : {};
  const worker = attempt(() => workerConfigFromEnv(env, { handler: placeholder, ...fallbacks }));
  if (problems.length > 0 || !common || !own || !telemetry || !worker) throw new ConfigError(`${example.name} configuration`, problems);
  return { flags: { ...own, ...common }, worker, telemetry };
}

/** Flags validated by `schema`, each problem named by its flag (`--status-port: …`). */
function flagsOf<T>(schema: z.ZodType<T>, raw: Record<string, unknown>): T {
  try {
    return parseConfig('flags', schema, raw);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(e.what, e.problems.map((p) => p.replace(/^(\w+):/, (_, key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}:`)));
  }
}

/** Runs the example as a process (its entry file calls this once). */
export function runExampleWorker<F extends object>(example: ExampleWorker<F>): void {
  main(example).catch((e: unknown) => exitFatally(example.name, e));
}

async function main<F extends object>(example: ExampleWorker<F>): Promise<void> {
  const { config: { flags, worker: compiled, telemetry: settings }, logger } = startProcess({
    name: example.name, load: () => load(example, process.argv, process.env), exitCode: 1, logger: (l) => ({ level: l.flags.logLevel }),
  });
  const telemetry = startProcessTelemetry(settings);
  const config: WorkerConfig = { ...compiled, handler: example.handler(flags, logger), logger, meter: telemetry.meter };
  const worker = createWorker(config);
  const status = config.statusPort === undefined ? undefined : await WorkerStatusServer.listen({
    port: config.statusPort, host: config.statusHost, health: () => example.health(worker, config), readiness: () => worker.readiness(), metrics: telemetry.metricsHandler, logger,
  });
  await worker.start();
  const lifecycle = lifecycleLogger(logger);
  const statusAddress = status === undefined ? {} : { statusPort: status.port, statusHost: config.statusHost };
  lifecycle.info({ queue: config.queue, pool: config.pool, gateway: `${config.gateway.host}:${config.gateway.port}`, concurrency: config.concurrency, ...statusAddress }, `${example.name} started`);
  stopOnSignals({
    logger: lifecycle,
    timeoutMs: flags.shutdownDeadlineMs + EXIT_MARGIN_MS,
    messages: { stopping: `${example.name} stopping`, stopped: `${example.name} stopped` },
    shutDown: async () => {
      await worker.close({ deadlineMs: flags.shutdownDeadlineMs });
      await status?.close();
      await telemetry.close();
    },
  });
}
