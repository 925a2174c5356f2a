/**
 * How busy this process's event loop is (issue 13, shadow shedding): the event-loop utilization
 * (perf_hooks `performance.eventLoopUtilization()`, the share of wall time the loop spent running
 * code rather than waiting) over the last window, sampled on an unref'd timer every `windowMs`.
 * Reading it is a field read, so the shadow path can ask on every task. 0 until the first window
 * has passed. `close()` stops the timer.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** What the shadow executor asks before admitting a task. */
export interface LoadSignal {
  /** Event-loop utilization over the last window, 0..1. */
  utilization(): number;
}

/** The cumulative counters (`performance.eventLoopUtilization()`), injectable for tests. */
export type EluSource = () => Pick<EventLoopUtilization, 'idle' | 'active'>;

export class EventLoopLoad implements LoadSignal {
  private last: Pick<EventLoopUtilization, 'idle' | 'active'>;
  private latest = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(windowMs: number, private readonly source: EluSource = () => performance.eventLoopUtilization()) {
    this.last = source();
    this.timer = setInterval(() => this.sample(), windowMs);
    this.timer.unref();
  }

  utilization(): number {
    return this.latest;
  }

  /** Closes the window now: the utilization since the previous sample becomes the reading. */
  sample(): void {
    const now = this.source();
    const active = now.active - this.last.active;
    const total = active + (now.idle - this.last.idle);
    this.last = now;
    if (total > 0) this.latest = Math.min(1, Math.max(0, active / total));
  }

  close(): void {
    clearInterval(this.timer);
  }
}
