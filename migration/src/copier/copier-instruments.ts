/**
 * The copier's OpenTelemetry instruments (telemetry-catalogue.ts, pinlater-copier): jobs moved per
 * queue and state, and gauges read at scrape time from memory: the configured rate of each queue
 * it works, how many queues it works, its routing ZooKeeper session. Queue labels are the queues
 * this copier holds a lease on (at most its --max-queues). Default: the API's no-op meter.
 */
import { metrics, type Counter, type Meter } from '@opentelemetry/api';
import { counterOf, gaugeOf } from '../../../core/src/telemetry/meter-instruments';
import { ATTR, METRICS } from '../../../core/src/telemetry/telemetry-catalogue';
import { JobState } from '../../../core/src/types/job-state';
import type { MovedCounts } from './move-protocol';

export class CopierInstruments {
  private readonly jobsMoved: Counter;
  /** The configured rate (jobs/s) of each queue being worked, from its migration row. */
  private readonly rates = new Map<string, number>();

  constructor(readonly meter: Meter = metrics.getMeterProvider().getMeter('pinlater')) {
    this.jobsMoved = counterOf(meter, METRICS.copierJobsMoved);
    gaugeOf(meter, METRICS.copierRateLimit, (observe) => {
      for (const [queue, rate] of this.rates) observe(rate, { [ATTR.queue]: queue });
    });
  }

  /** Jobs moved by one batch, counted per state (MovedCounts is keyed by JobState). */
  moved(queue: string, counts: MovedCounts): void {
    for (const [state, n] of Object.entries(counts)) {
      if (n > 0) this.jobsMoved.add(n, { [ATTR.queue]: queue, [ATTR.state]: JobState[Number(state)] ?? state });
    }
  }

  /** The rate the queue's migration row configures, while the copier works it. */
  setRate(queue: string, ratePerSecond: number): void {
    this.rates.set(queue, ratePerSecond);
  }

  /** The copier stopped working the queue. */
  forget(queue: string): void {
    this.rates.delete(queue);
  }

  /** Gauges of the service: queues worked (leases held) and the routing ZooKeeper session. */
  observeService(queuesWorked: () => number, sessionOpen: () => boolean): void {
    gaugeOf(this.meter, METRICS.copierQueuesWorked, (observe) => observe(queuesWorked()));
    gaugeOf(this.meter, METRICS.zookeeperSessionConnected, (observe) => observe(sessionOpen() ? 1 : 0));
  }
}
