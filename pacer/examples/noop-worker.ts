/**
 * The smallest worker: acks every job of its queue as succeeded, doing nothing with it. What a
 * pool spec's `command` runs when a queue's jobs need draining, and the worker the throughput
 * benchmark measures (bench/worker-throughput.ts).
 *
 *   PINLATER_QUEUE=my_queue PINLATER_GATEWAY=127.0.0.1:9010 npx tsx pacer/examples/noop-worker.ts
 *   PINLATER_QUEUE=my_queue PINLATER_GATEWAY=127.0.0.1:9010 node dist/pacer/examples/noop-worker.js --status-port 9071
 *
 * `--help` for the flags and the environment (example-worker-process.ts runs the process).
 */
import { z } from 'zod';
import type { Command } from 'commander';
import { runExampleWorker } from './example-worker-process';

runExampleWorker({
  name: 'pinlater-noop-worker',
  description: 'PinLater worker that acks every job of its queue as succeeded (worker SDK example)',
  help: '\nExample:\n  PINLATER_QUEUE=my_queue PINLATER_GATEWAY=127.0.0.1:9010 npx tsx pacer/examples/noop-worker.ts --status-port 9071',
  options: (program: Command) => program,
  schema: z.object({}),
  handler: () => () => undefined,
  health: (worker, config) => ({ role: 'noop-worker', queue: config.queue, pool: config.pool, status: worker.status, inFlight: worker.inFlight, pendingAcks: worker.pendingAcks, counters: worker.counters.snapshot() }),
});
