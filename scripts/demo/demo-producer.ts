/**
 * The demo producer: per queue, createQueue once (idempotent), then one job at a time at about
 * `rate` jobs/s with jittered gaps; a `futureRatio` share of the jobs run up to `futureMaxMs` later.
 * Bodies say which demo job they are (`demo <queue> #<n>`).
 */
import type { Logger } from '../../core/src/logging/logger';
import { DemoClient } from './demo-client';
import type { DemoConfig } from './demo-config';
import type { DemoCounters } from './demo-counters';
import { DemoLoop } from './demo-loop';
import { jitteredGapMs, runAfterFor, type Random } from './demo-pacing';

export interface DemoRoleDeps {
  readonly config: DemoConfig;
  readonly counters: DemoCounters;
  readonly logger: Logger;
  readonly random: Random;
  readonly now: () => number;
}

export function startProducer(deps: DemoRoleDeps): DemoLoop[] {
  return deps.config.queues.map((queue) => producerLoop(queue, deps));
}

function producerLoop(queue: string, deps: DemoRoleDeps): DemoLoop {
  const { config, counters, logger, random, now } = deps;
  let sequence = 0;
  return new DemoLoop({
    queue, counters, logger, backoffMs: config.backoffMs,
    client: new DemoClient(config.host, config.port, 'pinlater-demo:producer'),
    prepare: async (client) => {
      await client.createQueue(queue);
      logger.info({ queue }, 'demo queue ready');
    },
    step: async (client) => {
      sequence += 1;
      const runAfterMs = runAfterFor(now(), config.futureRatio, config.futureMaxMs, random);
      const body = Buffer.from(`demo ${queue} #${sequence}`);
      counters.add(queue, 'enqueued', await client.enqueue(queue, [{ body, attempts: config.attempts, ...(runAfterMs === undefined ? {} : { runAfterMs }) }]));
      return jitteredGapMs(config.rate, config.jitter, random);
    },
  });
}
