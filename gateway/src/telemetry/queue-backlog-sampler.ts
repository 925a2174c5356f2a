/**
 * `pinlater.queue.backlog`: jobs not yet done (PENDING ready and future, and IN_PROGRESS) per queue
 * on each system that holds it, recounted on a timer (PINLATER_QUEUE_DEPTH_INTERVAL_MS, like
 * `pinlater.queue.depth`), never on a scrape or a dashboard request:
 *
 * - systems are a single-backend gateway's backend, or a routing gateway's legacy clusters and
 *   Pacer, each under its system label (the one its backend metrics carry);
 * - each round reads each system's queue list once, then counts at most MAX_BACKLOG_QUEUES queues
 *   per system (the first by name), COUNT_CONCURRENCY counts in flight;
 * - a queue's shadow copy in Pacer (core/src/shadow/shadow-queue-name.ts) is counted under the
 *   queue itself with system `pacer-shadow`;
 * - a count that fails keeps the previous value, but a value older than STALE_ROUNDS intervals is
 *   no longer reported: a chart of it shows a gap ("no samples") instead of a frozen number.
 *
 * It also tells which systems hold a queue (`holders`), for the per-queue mode gauge
 * (queue-mode-gauge.ts) of queues without a routing record.
 */
import type { Meter } from '@opentelemetry/api';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { OVERFLOW_QUEUE_SERIES } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import { isShadowQueueName, SHADOW_QUEUE_PREFIX } from '../../../core/src/shadow/shadow-queue-name';
import { gaugeOf } from '../../../core/src/telemetry/meter-instruments';
import { ATTR, METRICS } from '../../../core/src/telemetry/telemetry-catalogue';
import type { Clock } from '../../../core/src/util/clock';
import { JobState } from '../../../core/src/types/job-state';
import { PeriodicCounter } from './periodic-counter';

/** Most queues counted per system and round. */
export const MAX_BACKLOG_QUEUES = 2000;
/** The system label of shadow copies. */
export const PACER_SHADOW_SYSTEM = 'pacer-shadow';
const COUNT_CONCURRENCY = 4;
/** A value not recounted for this many intervals is no longer reported. */
const STALE_ROUNDS = 3;

export interface QueueBacklogSamplerDeps {
  /** Every system by its label; `pacer` is the one whose shadow copies are counted as `pacer-shadow`. */
  readonly systems: ReadonlyMap<string, PinLaterBackend>;
  readonly queueSeries: (queue: string) => string;
  readonly meter: Meter;
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

interface Count {
  readonly queue: string;
  readonly system: string;
  readonly value: number;
  readonly atMs: number;
}

interface Work {
  readonly queue: string;
  readonly system: string;
  readonly backend: PinLaterBackend;
  /** The queue counted on the backend (the shadow copy's own name for `pacer-shadow`). */
  readonly counted: string;
}

export class QueueBacklogSampler {
  private readonly counter: PeriodicCounter<Work, Count>;
  private holderSets = new Map<string, Set<string>>();

  constructor(private readonly deps: QueueBacklogSamplerDeps) {
    this.counter = new PeriodicCounter({
      plan: () => this.plan(),
      keyOf: (w) => `${w.queue}\u0000${w.system}`,
      count: async (w) => ({ queue: w.queue, system: w.system, value: await backlogOf(w.backend, w.counted), atMs: deps.clock.nowMs() }),
      failed: (w, e) => deps.logger.debug({ err: e, queue: w.queue, system: w.system }, 'backlog count failed; keeping the previous value'),
      concurrency: COUNT_CONCURRENCY,
    });
    gaugeOf(deps.meter, METRICS.queueBacklog, (observe) => {
      for (const [key, value] of this.currentBySeries()) {
        const [queue, system] = key.split('\u0000') as [string, string];
        observe(value, { [ATTR.queue]: queue, [ATTR.backend]: system });
      }
    });
  }

  /** Counts once now, then every interval. */
  start(): void {
    this.counter.start((tick) => setInterval(tick, this.deps.intervalMs));
  }

  /** The systems that held the queue at the last round. */
  holders(queue: string): ReadonlySet<string> {
    return this.holderSets.get(queue) ?? new Set();
  }

  /** The queues seen at the last round (bounded by MAX_BACKLOG_QUEUES per system). */
  queues(): Iterable<string> {
    return this.holderSets.keys();
  }

  /** One round (tests call it directly). */
  sample(): Promise<void> {
    return this.counter.sample();
  }

  close(): Promise<void> {
    return this.counter.close();
  }

  /** Each system's queue list (one read per system), as the counts to make. */
  private async plan(): Promise<Work[]> {
    const work: Work[] = [];
    const holders = new Map<string, Set<string>>();
    for (const [system, backend] of this.deps.systems) {
      let names: string[];
      try {
        names = [...(await backend.getQueueNames())].sort().slice(0, MAX_BACKLOG_QUEUES);
      } catch (e) {
        this.deps.logger.debug({ err: e, system }, 'queue list for the backlog failed; keeping the previous holders');
        for (const [queue, set] of this.holderSets) if (set.has(system)) addHolder(holders, queue, system);
        continue;
      }
      for (const counted of names) {
        const shadow = isShadowQueueName(counted);
        const queue = shadow ? counted.slice(SHADOW_QUEUE_PREFIX.length) : counted;
        const label = shadow ? PACER_SHADOW_SYSTEM : system;
        addHolder(holders, queue, label);
        work.push({ queue, system: label, backend, counted });
      }
    }
    this.holderSets = holders;
    return work;
  }

  /** The values still fresh, summed per queue series (queues sharing the overflow series add up). */
  private currentBySeries(): Map<string, number> {
    const oldest = this.deps.clock.nowMs() - STALE_ROUNDS * this.deps.intervalMs;
    const sums = new Map<string, number>();
    for (const c of this.counter.current.values()) {
      if (c.atMs < oldest) continue;
      const series = this.deps.queueSeries(c.queue);
      if (series === OVERFLOW_QUEUE_SERIES && c.system === PACER_SHADOW_SYSTEM) continue;
      const key = `${series}\u0000${c.system}`;
      sums.set(key, (sums.get(key) ?? 0) + c.value);
    }
    return sums;
  }
}

function addHolder(holders: Map<string, Set<string>>, queue: string, system: string): void {
  const set = holders.get(queue) ?? new Set<string>();
  set.add(system);
  holders.set(queue, set);
}

/** PENDING (ready and future) plus IN_PROGRESS, every priority; one count at a time (the store's pool is shared with clients). */
async function backlogOf(backend: PinLaterBackend, queue: string): Promise<number> {
  const ready = await backend.getJobCount({ queue, state: JobState.PENDING, future: false });
  const future = await backend.getJobCount({ queue, state: JobState.PENDING, future: true });
  const running = await backend.getJobCount({ queue, state: JobState.IN_PROGRESS, future: false });
  return ready + future + running;
}
