import type { Logger } from '../logging/logger';
import { runDetached } from '../util/run-detached';

export interface MonitorSchedulerOptions {
  periodMs: number;
  enabled: boolean;
  random: () => number;
  run: () => Promise<unknown>;
  logger: Logger;
}

/**
 * PinLater's monitor schedule (FACTS §5.7): fixed delay `period`, first run after
 * `period + random[0, period)`. Runs never overlap; `stop()` waits for a run in progress.
 */
export class MonitorScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly options: MonitorSchedulerOptions) {}

  start(): void {
    if (!this.options.enabled || this.timer || this.stopped) return;
    this.schedule(this.options.periodMs + Math.floor(this.options.random() * this.options.periodMs));
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => runDetached('monitor tick from its timer', this.tick(), this.options.logger), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.running = this.options.run().catch((e: unknown) => this.options.logger.error({ err: e }, 'monitor run failed'));
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule(this.options.periodMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
