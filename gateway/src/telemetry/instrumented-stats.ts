/**
 * The gateway's MemoryStats (PinLater's `/stats.txt` counters, unchanged) that also feeds
 * `pinlater.jobs.timed_out` from the monitor's counters, which the hosted legacy monitors report
 * only as stats (`<series>_timeout_retry`, `<series>_timeout_done`, core/src/backend/
 * backend-stat-names.ts): one place maps those two names, with the queue series (already bounded)
 * as the label.
 */
import type { Counter } from '@opentelemetry/api';
import { backendStatNames } from '../../../core/src/backend/backend-stat-names';
import { MemoryStats, type MemoryStatsOptions } from '../../../core/src/interfaces/stats';
import { ATTR } from '../../../core/src/telemetry/telemetry-catalogue';

const RETRY_SUFFIX = backendStatNames.timeoutRetry('');
const DONE_SUFFIX = backendStatNames.timeoutDone('');

export class InstrumentedStats extends MemoryStats {
  private timedOut: Counter | undefined;

  constructor(options: MemoryStatsOptions = {}) {
    super(options);
  }

  /** From now on, monitor timeouts also count on `counter`. */
  countTimeoutsOn(counter: Counter): void {
    this.timedOut = counter;
  }

  override incr(name: string, delta = 1): void {
    super.incr(name, delta);
    if (this.timedOut === undefined || delta <= 0) return;
    if (name.endsWith(RETRY_SUFFIX)) this.timedOut.add(delta, { [ATTR.queue]: name.slice(0, -RETRY_SUFFIX.length), [ATTR.result]: 'retry' });
    else if (name.endsWith(DONE_SUFFIX)) this.timedOut.add(delta, { [ATTR.queue]: name.slice(0, -DONE_SUFFIX.length), [ATTR.result]: 'failed' });
  }
}
