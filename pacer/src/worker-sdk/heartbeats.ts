/**
 * Checkpoint heartbeats: while a job runs, the worker checkpoints it (PinLater checkpointJobs with
 * its descriptor, nothing else set) every `intervalMs`, which re-stamps the claim and so keeps the
 * queue's monitor from timing it out and handing it to another worker (FACTS §11.13: a checkpoint
 * without moveToPending acts as a heartbeat; PinLater's claim timeout is 180 s by default).
 *
 * One timer for all the worker's jobs: every tick (a quarter of the interval) sends ONE
 * checkpointJobs call with every job whose last beat (its start, an explicit `job.checkpoint()`,
 * or a heartbeat) is `intervalMs` old, so a job shorter than the interval costs nothing. A failed
 * call is logged and tried again at the next tick. `remove` resolves once no heartbeat that names
 * the job is still in flight: its ack must land after its last checkpoint, or legacy Redis would
 * put a finished job back IN_PROGRESS (its checkpoint does not check the state, FACTS §6.4).
 */
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';

export interface HeartbeatsOptions {
  /** 0: no heartbeats. */
  readonly intervalMs: number;
  /** Checkpoints these descriptors (one call). */
  readonly send: (descriptors: string[]) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
}

const MIN_TICK_MS = 20;

export class Heartbeats {
  private readonly lastBeat = new Map<string, number>();
  private inFlight: { readonly descriptors: ReadonlySet<string>; readonly done: Promise<void> } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: HeartbeatsOptions) {}

  start(): void {
    if (this.options.intervalMs <= 0 || this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), Math.max(MIN_TICK_MS, Math.floor(this.options.intervalMs / 4)));
    this.timer.unref();
  }

  /** A job started now. */
  add(descriptor: string): void {
    this.lastBeat.set(descriptor, this.options.clock.nowMs());
  }

  /** The job was checkpointed by other means (an explicit `job.checkpoint()`). */
  touch(descriptor: string): void {
    if (this.lastBeat.has(descriptor)) this.lastBeat.set(descriptor, this.options.clock.nowMs());
  }

  /** The job is done: no more heartbeats; resolves when none naming it is in flight. */
  remove(descriptor: string): Promise<void> {
    this.lastBeat.delete(descriptor);
    const current = this.inFlight;
    return current !== undefined && current.descriptors.has(descriptor) ? current.done : Promise.resolve();
  }

  /** Stops the timer and waits for the heartbeat in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight?.done;
  }

  private tick(): void {
    if (this.inFlight !== undefined) return;
    const now = this.options.clock.nowMs();
    const due = [...this.lastBeat].filter(([, at]) => now - at >= this.options.intervalMs).map(([d]) => d);
    if (due.length === 0) return;
    const descriptors = new Set(due);
    const done = this.options.send(due).then(
      () => {
        // Stamped with the time it was sent (the server re-stamped the claim a little later): the next beat is never late.
        for (const d of due) if (this.lastBeat.has(d)) this.lastBeat.set(d, now);
        this.options.logger.debug({ jobs: due.length }, 'heartbeat checkpoint sent');
      },
      (e: unknown) => this.options.logger.warn({ err: e, jobs: due.length }, 'heartbeat checkpoint failed; retried at the next tick'),
    ).finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = { descriptors, done };
  }
}
