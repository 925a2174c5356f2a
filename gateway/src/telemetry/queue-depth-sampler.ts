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
import { PeriodicCounter } from './periodic-counter';

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

interface DepthSeries {
  readonly queue: string;
  readonly state: string;
  readonly priority: string;
  readonly value: number;
}

interface Work {
  readonly queue: string;
  readonly state: JobState;
  readonly priority: number;
}

export class QueueDepthSampler {
  private readonly counter: PeriodicCounter<Work, DepthSeries>;

  constructor(private readonly deps: QueueDepthSamplerDeps) {
    this.counter = new PeriodicCounter({
      plan: () => this.plan(),
      keyOf: (w) => `${w.queue}\u0000${w.state}\u0000${w.priority}`,
      count: (w) => this.depthOf(w),
      failed: (w, e) => deps.logger.debug({ err: e, queue: w.queue }, 'queue depth count failed; keeping the previous value'),
      concurrency: COUNT_CONCURRENCY,
    });
    gaugeOf(deps.meter, METRICS.queueDepth, (observe) => {
      for (const d of this.counter.current.values()) observe(d.value, { [ATTR.queue]: d.queue, [ATTR.state]: d.state, [ATTR.priority]: d.priority });
    });
  }

  /** Counts once now, then every interval. */
  start(): void {
    this.counter.start((tick) => setInterval(tick, this.deps.intervalMs));
  }

  /** One round (tests call it directly). */
  sample(): Promise<void> {
    return this.counter.sample();
  }

  close(): Promise<void> {
    return this.counter.close();
  }

  private plan(): Work[] {
    const queues = this.deps.queues(MAX_DEPTH_QUEUES);
    return queues.flatMap((queue) => STATES.flatMap((state) => priorities(this.deps.backend.numPriorityLevels).map((priority) => ({ queue, state, priority }))));
  }

  private async depthOf(w: Work): Promise<DepthSeries> {
    const series = { queue: this.deps.queueSeries(w.queue), state: JobState[w.state], priority: String(w.priority) };
    return { ...series, value: await this.deps.backend.getJobCount({ queue: w.queue, state: w.state, priority: w.priority, future: false }) };
  }
}

function priorities(levels: number): number[] {
  return Array.from({ length: levels }, (_, i) => i + 1);
}
