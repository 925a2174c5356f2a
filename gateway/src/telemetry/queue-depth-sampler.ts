/**
 * `pinlater.queue.depth`: jobs per queue, state and priority, recounted on a timer (every
 * PINLATER_QUEUE_DEPTH_INTERVAL_MS) for at most MAX_QUEUES queues (the first by name), with at most
 * COUNT_CONCURRENCY counts in flight. A scrape only reads the last round's numbers: never a full
 * count per scrape, whatever the scrape rate. A count that fails keeps the previous value for that
 * series (and is logged at debug); a queue deleted since is dropped at the next round.
 */
import type { Meter } from '@opentelemetry/api';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { Logger } from '../../../core/src/logging/logger';
import { gaugeOf } from '../../../core/src/telemetry/meter-instruments';
import { ATTR, METRICS } from '../../../core/src/telemetry/telemetry-catalogue';
import { JobState } from '../../../core/src/types/job-state';

/** Most queues counted per round. */
export const MAX_DEPTH_QUEUES = 200;
const COUNT_CONCURRENCY = 4;
const STATES: readonly JobState[] = [JobState.PENDING, JobState.IN_PROGRESS, JobState.FAILED];

export interface QueueDepthSamplerDeps {
  readonly backend: PinLaterBackend;
  /** The queues that exist, first `limit` of them. */
  readonly queues: (limit: number) => string[];
  readonly queueSeries: (queue: string) => string;
  readonly meter: Meter;
  readonly intervalMs: number;
  readonly logger: Logger;
}

export class QueueDepthSampler {
  private depths = new Map<string, { queue: string; state: string; priority: string; value: number }>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly deps: QueueDepthSamplerDeps) {
    gaugeOf(deps.meter, METRICS.queueDepth, (observe) => {
      for (const d of this.depths.values()) observe(d.value, { [ATTR.queue]: d.queue, [ATTR.state]: d.state, [ATTR.priority]: d.priority });
    });
  }

  /** Counts once now, then every interval. */
  start(): void {
    this.round = this.sample();
    this.timer = setInterval(() => {
      if (this.round === undefined) this.round = this.sample();
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  /** One round (tests call it directly). */
  async sample(): Promise<void> {
    try {
      const queues = this.deps.queues(MAX_DEPTH_QUEUES);
      const next = new Map<string, { queue: string; state: string; priority: string; value: number }>();
      const work = queues.flatMap((queue) => STATES.flatMap((state) => priorities(this.deps.backend.numPriorityLevels).map((priority) => ({ queue, state, priority }))));
      let i = 0;
      const worker = async (): Promise<void> => {
        while (!this.closed && i < work.length) {
          const w = work[i++] as { queue: string; state: JobState; priority: number };
          const key = `${w.queue}\u0000${w.state}\u0000${w.priority}`;
          const series = { queue: this.deps.queueSeries(w.queue), state: JobState[w.state], priority: String(w.priority) };
          try {
            next.set(key, { ...series, value: await this.deps.backend.getJobCount({ queue: w.queue, state: w.state, priority: w.priority, future: false }) });
          } catch (e) {
            const previous = this.depths.get(key);
            if (previous !== undefined) next.set(key, previous);
            this.deps.logger.debug({ err: e, queue: w.queue }, 'queue depth count failed; keeping the previous value');
          }
        }
      };
      await Promise.all(Array.from({ length: COUNT_CONCURRENCY }, worker));
      if (!this.closed) this.depths = next;
    } finally {
      this.round = undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }
}

function priorities(levels: number): number[] {
  return Array.from({ length: levels }, (_, i) => i + 1);
}
