/**
 * One queue's loop of a demo role, stopped by `close()`: the step in flight finishes (its call is
 * bounded by the client's timeout), waits are cut short, then the loop's client closes. A failed
 * step is logged, counted and followed by a back-off; the loop never ends on its own.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { coerceError } from '../../core/src/errors/coerce-error';
import type { Logger } from '../../core/src/logging/logger';
import type { DemoClient } from './demo-client';
import type { DemoCounters } from './demo-counters';

export interface LoopStep {
  /** One step against the gateway; resolves with how long to wait before the next one (ms). */
  (client: DemoClient): Promise<number>;
}

export interface DemoLoopOptions {
  readonly queue: string;
  readonly client: DemoClient;
  readonly counters: DemoCounters;
  readonly logger: Logger;
  readonly backoffMs: number;
  /** Runs once before the first step, retried (with back-off) until it succeeds. */
  readonly prepare?: (client: DemoClient) => Promise<void>;
  readonly step: LoopStep;
}

export class DemoLoop {
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;

  constructor(private readonly options: DemoLoopOptions) {
    this.done = this.run();
  }

  /** Stops the loop and closes its client; resolves once the loop has ended. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
    this.options.client.close();
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    const { prepare, step } = this.options;
    if (prepare !== undefined) {
      while (!this.stopped && !(await this.attempt(prepare))) await this.wait(this.options.backoffMs);
    }
    while (!this.stopped) {
      let next = this.options.backoffMs;
      await this.attempt(async (client) => {
        next = await step(client);
      });
      await this.wait(next);
    }
  }

  /** Runs `fn`; false (logged and counted) if it failed. */
  private async attempt(fn: (client: DemoClient) => Promise<void>): Promise<boolean> {
    try {
      await fn(this.options.client);
      return true;
    } catch (e) {
      if (this.stopped) return false;
      this.options.counters.add(this.options.queue, 'callErrors');
      this.options.logger.warn({ queue: this.options.queue, err: coerceError(e) }, 'demo call failed; backing off');
      return false;
    }
  }

  private async wait(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return;
    try {
      await sleep(ms, undefined, { signal: this.abort.signal });
    } catch {
      // aborted: the loop is closing
    }
  }
}
