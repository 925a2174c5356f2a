/**
 * A running demo role (demo-config.ts `role`): its loops, one per queue (demo-producer.ts,
 * demo-worker.ts), its optional status port, and a progress log line every 30 s; `close()` stops
 * them all.
 */
import type { Logger } from '../../core/src/logging/logger';
import type { DemoConfig } from './demo-config';
import { DemoCounters } from './demo-counters';
import type { DemoLoop } from './demo-loop';
import { startProducer } from './demo-producer';
import { DemoStatusServer } from './demo-status-server';
import { startWorker } from './demo-worker';

const PROGRESS_INTERVAL_MS = 30_000;

/** The running role: its loops, its status port, its progress timer. */
export interface DemoProcess {
  readonly counters: DemoCounters;
  close(): Promise<void>;
}

export async function startDemo(config: DemoConfig, logger: Logger): Promise<DemoProcess> {
  const counters = new DemoCounters();
  const deps = { config, counters, logger, random: Math.random, now: Date.now };
  const status = config.statusPort === undefined ? undefined
    : await DemoStatusServer.start(config.statusPort, () => ({ role: config.role, ...counters.snapshot() }));
  const loops: DemoLoop[] = config.role === 'producer' ? startProducer(deps) : startWorker(deps);
  const progress = setInterval(() => logger.info({ totals: counters.totals() }, 'demo progress'), PROGRESS_INTERVAL_MS);
  return {
    counters,
    close: async () => {
      clearInterval(progress);
      await Promise.all(loops.map((l) => l.close()));
      await status?.close();
    },
  };
}
