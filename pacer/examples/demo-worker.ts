/**
 * The local demo's worker, one process per replica (the local pool runtime runs it with the
 * PINLATER_* environment of pacer/src/worker-pools/worker-env.ts): for each job of its queue it
 * "works" a random while (up to `--work-max-ms`, nothing is executed), then succeeds, except a
 * `--failure-ratio` share (default 0.1, as scripts/demo/demo-worker.ts) that fails with a
 * RetryableJobError of `--retry-delay-ms`: PinLater runs those again while attempts remain, so the
 * dashboards show failures and retries.
 *
 *   PINLATER_QUEUE=demo_pacer PINLATER_GATEWAY=127.0.0.1:9010 npx tsx pacer/examples/demo-worker.ts --status-port 9062
 *
 * `--status-port <p>`: `GET /health` answers its counters as JSON, in the shape of
 * scripts/demo/demo-status-server.ts (`role`, `totals`, `queues.<queue>`): `dequeued`,
 * `succeeded`, `failed` (acked as failed: retried or not), `retried`, `failedFinal` (no attempt
 * left), `released`, `callErrors`, `enqueued` (always 0); plus `status`, `inFlight`, `pendingAcks`.
 * `--help` for every flag (example-worker-process.ts runs the process).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { RetryableJobError, type Job, type Worker, type WorkerConfig } from '../src/worker-sdk';
import { runExampleWorker } from './example-worker-process';

const fraction = z.coerce.number({ error: 'a number from 0 to 1' }).min(0).max(1);
const schema = z.object({
  failureRatio: fraction,
  retryDelayMs: z.coerce.number({ error: 'an integer from 0 to 3600000' }).int().min(0).max(3_600_000),
  workMaxMs: z.coerce.number({ error: 'an integer from 0 to 60000' }).int().min(0).max(60_000),
});
type DemoFlags = z.output<typeof schema>;

function demoHandler(flags: DemoFlags): (job: Job) => Promise<void> {
  return async (job) => {
    if (flags.workMaxMs > 0) await sleep(Math.floor(Math.random() * flags.workMaxMs), undefined, { signal: job.signal });
    if (Math.random() < flags.failureRatio) throw new RetryableJobError('demo failure (--failure-ratio)', flags.retryDelayMs);
  };
}

function demoHealth(worker: Worker, config: WorkerConfig): object {
  const c = worker.counters.snapshot();
  const totals = {
    enqueued: 0, dequeued: c.dequeued, succeeded: c.succeeded, failed: c.retried + c.failed, retried: c.retried, failedFinal: c.failed,
    released: c.released, callErrors: c.callErrors,
  };
  return { role: 'worker', queue: config.queue, pool: config.pool, status: worker.status, inFlight: worker.inFlight, pendingAcks: worker.pendingAcks, totals, queues: { [config.queue]: totals } };
}

runExampleWorker({
  name: 'pinlater-demo-worker',
  description: 'The local demo\'s PinLater worker: succeeds most jobs, fails a share that PinLater retries (worker SDK example)',
  help: '\nExample:\n  PINLATER_QUEUE=demo_pacer PINLATER_GATEWAY=127.0.0.1:9010 npx tsx pacer/examples/demo-worker.ts --failure-ratio 0.1 --status-port 9062',
  options: (program: Command) => program
    .option('--failure-ratio <fraction>', 'share of jobs that fail (retried while attempts remain)', '0.1')
    .option('--retry-delay-ms <ms>', 'delay before a failed job runs again', '5000')
    .option('--work-max-ms <ms>', 'simulated work per job, at most', '50'),
  schema,
  handler: (flags) => demoHandler(flags),
  health: demoHealth,
});
