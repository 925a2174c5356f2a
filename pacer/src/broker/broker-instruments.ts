/**
 * A broker's OpenTelemetry instruments (telemetry-catalogue.ts, pacer-broker): claim batch sizes,
 * refill reads, dequeue latency, claim timeouts, and gauges read from the broker's memory at
 * scrape time. Built from the process's meter; `noopBrokerInstruments()` (the API's no-op meter)
 * for tests and in-process brokers that export nothing.
 */
import { metrics, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import { counterOf, gaugeOf, histogramOf } from '../../../core/src/telemetry/meter-instruments';
import { ATTR, METRICS } from '../../../core/src/telemetry/telemetry-catalogue';

/** What the gauges read: the broker's owned partitions and their buffered jobs. */
export interface BufferedPartitions {
  partitions(): ReadonlyArray<{ readonly queue: string; readonly buffered: number }>;
}

export class BrokerInstruments {
  private readonly claimBatchSize: Histogram;
  private readonly refillReads: Counter;
  private readonly dequeueDuration: Histogram;
  private readonly timedOut: Counter;

  constructor(readonly meter: Meter) {
    this.claimBatchSize = histogramOf(meter, METRICS.brokerClaimBatchSize);
    this.refillReads = counterOf(meter, METRICS.brokerRefillReads);
    this.dequeueDuration = histogramOf(meter, METRICS.brokerDequeueDuration);
    this.timedOut = counterOf(meter, METRICS.jobsTimedOut);
  }

  /** One claim statement of `jobs` job ids. */
  claimBatch(jobs: number): void {
    this.claimBatchSize.record(jobs);
  }

  /** One MySQL refill read of a partition's buffer; `found`: it added jobs. */
  refillRead(found: boolean): void {
    this.refillReads.add(1, { [ATTR.result]: found ? 'found' : 'empty' });
  }

  /** One dequeue served (`errorType` when it failed), in seconds. */
  dequeued(seconds: number, errorType?: string): void {
    this.dequeueDuration.record(seconds, errorType === undefined ? {} : { [ATTR.errorType]: errorType });
  }

  /** Claims of a partition's queue the monitor timed out: back to PENDING (`retry`) or FAILED. */
  claimsTimedOut(queue: string, retry: number, failed: number): void {
    if (retry > 0) this.timedOut.add(retry, { [ATTR.queue]: queue, [ATTR.result]: 'retry' });
    if (failed > 0) this.timedOut.add(failed, { [ATTR.queue]: queue, [ATTR.result]: 'failed' });
  }

  /** Partitions owned and buffered jobs per queue (owned queues only: a bounded set). */
  observePartitions(broker: BufferedPartitions): void {
    gaugeOf(this.meter, METRICS.brokerPartitionsOwned, (observe) => observe(broker.partitions().length));
    gaugeOf(this.meter, METRICS.brokerBufferedJobs, (observe) => {
      const perQueue = new Map<string, number>();
      for (const p of broker.partitions()) perQueue.set(p.queue, (perQueue.get(p.queue) ?? 0) + p.buffered);
      for (const [queue, jobs] of perQueue) observe(jobs, { [ATTR.queue]: queue });
    });
  }

  /** The broker's ZooKeeper session (cluster mode only). */
  observeZookeeperSession(connected: () => boolean): void {
    gaugeOf(this.meter, METRICS.zookeeperSessionConnected, (observe) => observe(connected() ? 1 : 0));
  }
}

/** Instruments on the API's no-op meter (nothing registered): records nothing. */
export function noopBrokerInstruments(): BrokerInstruments {
  return new BrokerInstruments(metrics.getMeterProvider().getMeter('pinlater'));
}
