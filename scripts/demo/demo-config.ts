/**
 * The demo workload's configuration (scripts/demo/main.ts): command-line flags only (no
 * environment), validated once by one zod schema; every problem is reported at once
 * (core/src/config/parse-config.ts). The rest of the demo receives the typed `DemoConfig`.
 */
import { Command, Option } from 'commander';
import { z } from 'zod';
import { parseConfig } from '../../core/src/config/parse-config';
import { isValidQueueName } from '../../core/src/types/queue-name';

export const DEMO_ROLES = ['producer', 'worker'] as const;
export type DemoRole = (typeof DEMO_ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const queueName = z.string().refine(isValidQueueName, { message: 'not a PinLater queue name (1-255 of [A-Za-z0-9_])' });
const fraction = z.coerce.number().min(0).max(1);

const schema = z.strictObject({
  role: z.enum(DEMO_ROLES),
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65_535),
  queues: z.array(queueName).min(1),
  /** Jobs per second per queue (producer), on average; each gap is jittered. */
  rate: z.coerce.number().positive().max(1000),
  /** Fraction of each gap drawn at random: 0 = metronome, 1 = anywhere in [0, 2 × mean]. */
  jitter: fraction,
  /** Fraction of the jobs enqueued with a run-after in the future (up to `futureMaxMs`). */
  futureRatio: fraction,
  futureMaxMs: z.coerce.number().int().min(0).max(3_600_000),
  /** Attempts each job is allowed; a failed ack of a job with attempts left retries it. */
  attempts: z.coerce.number().int().min(1).max(100),
  /** Fraction of the dequeued jobs the worker acks as failed. */
  failureRatio: fraction,
  retryDelayMs: z.coerce.number().int().min(0).max(3_600_000),
  /** Worker: the dequeue limit, and the wait after an empty dequeue. */
  batch: z.coerce.number().int().min(1).max(1000),
  idleMs: z.coerce.number().int().min(10).max(60_000),
  /** Worker: the simulated work per job, at most this long. */
  workMaxMs: z.coerce.number().int().min(0).max(5_000),
  /** Wait after a failed call (the gateway down, a queue missing) before the next one. */
  backoffMs: z.coerce.number().int().min(10).max(60_000),
  /** `GET /health` (JSON counters) on 127.0.0.1:<statusPort>; none when absent. */
  statusPort: z.coerce.number().int().min(1).max(65_535).optional(),
  logLevel: z.enum(LOG_LEVELS),
});

export type DemoConfig = z.output<typeof schema>;

const HELP = `
A small PinLater workload for a local system (scripts/up.sh starts one producer and one worker):
the producer creates its queues (createQueue is idempotent) and enqueues at about --rate jobs/s per
queue, jittered; some jobs run later. The worker dequeues, "works" a little, and acks; a share of
the acks are failures, which PinLater retries while attempts remain. Only the PinLater Thrift API
is used (framed binary), so any gateway works; the routing gateway (:9010) routes each queue.

Logs are JSON lines (pino) on stdout. SIGTERM/SIGINT: the loops stop after the call in flight,
the connection closes, exit 0. Exit codes: 0 stopped by a signal; 1 configuration or startup
failure.

Examples:
  npx tsx scripts/demo/main.ts --role producer --queues demo_redis,demo_pacer --rate 5
  npx tsx scripts/demo/main.ts --role worker --queues demo_redis,demo_pacer --failure-ratio 0.1 --status-port 9062`;

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** The flags, as strings (validated by `loadDemoConfig`); commander handles --help and unknown flags. */
export function demoProgram(): Command {
  return new Command('pinlater-demo')
    .description('Demo PinLater workload: a producer or a worker talking Thrift to a gateway')
    .addOption(new Option('--role <role>', 'producer or worker').choices(DEMO_ROLES).makeOptionMandatory())
    .option('--host <host>', 'the gateway host', '127.0.0.1')
    .option('--port <port>', 'the gateway Thrift port', '9010')
    .requiredOption('--queues <list>', 'comma-separated queue names', splitList)
    .option('--rate <n>', 'producer: jobs per second per queue (average)', '2')
    .option('--jitter <fraction>', 'producer: randomness of the gaps between enqueues (0-1)', '0.8')
    .option('--future-ratio <fraction>', 'producer: share of jobs that run later', '0.1')
    .option('--future-max-ms <ms>', 'producer: how much later, at most', '30000')
    .option('--attempts <n>', 'producer: attempts allowed per job', '3')
    .option('--failure-ratio <fraction>', 'worker: share of jobs acked as failed', '0.1')
    .option('--retry-delay-ms <ms>', 'worker: delay before a failed job runs again', '5000')
    .option('--batch <n>', 'worker: dequeue limit', '10')
    .option('--idle-ms <ms>', 'worker: wait after an empty dequeue', '500')
    .option('--work-max-ms <ms>', 'worker: simulated work per job, at most', '50')
    .option('--backoff-ms <ms>', 'wait after a failed call', '1000')
    .option('--status-port <port>', 'serve GET /health (JSON counters) on 127.0.0.1:<port>')
    .option('--log-level <level>', 'pino level', 'info')
    .addHelpText('after', HELP)
    .exitOverride();
}

/** Parses and validates `argv` (process.argv shape) once; throws ConfigError naming every problem. */
export function loadDemoConfig(argv: readonly string[]): DemoConfig {
  const flags = demoProgram().parse([...argv]).opts<Record<string, unknown>>();
  return parseConfig('demo workload flags', schema, flags);
}
