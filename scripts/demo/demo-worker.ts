/**
 * The demo worker: per queue, dequeue up to `batch` jobs, "work" on them (a random pause up to
 * `workMaxMs` per batch, nothing is executed), then ack them: a `failureRatio` share as failed,
 * with `retryDelayMs` (PinLater retries a failed job while it has attempts left, else it stays
 * FAILED). An empty dequeue waits `idleMs`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DemoClient } from './demo-client';
import { DemoLoop } from './demo-loop';
import { splitAcks } from './demo-pacing';
import type { DemoRoleDeps } from './demo-producer';

export function startWorker(deps: DemoRoleDeps): DemoLoop[] {
  return deps.config.queues.map((queue) => workerLoop(queue, deps));
}

function workerLoop(queue: string, deps: DemoRoleDeps): DemoLoop {
  const { config, counters, logger, random } = deps;
  return new DemoLoop({
    queue, counters, logger, backoffMs: config.backoffMs,
    client: new DemoClient(config.host, config.port, 'pinlater-demo:worker'),
    step: async (client) => {
      const jobs = await client.dequeue(queue, config.batch);
      if (jobs.length === 0) return config.idleMs;
      counters.add(queue, 'dequeued', jobs.length);
      await sleep(Math.floor(random() * config.workMaxMs));
      const { succeeded, failed } = splitAcks(jobs.map((j) => j.descriptor), config.failureRatio, random);
      await client.ack(queue, { succeeded, failed, retryDelayMs: config.retryDelayMs });
      counters.add(queue, 'succeeded', succeeded.length);
      counters.add(queue, 'failed', failed.length);
      return 0;
    },
  });
}
