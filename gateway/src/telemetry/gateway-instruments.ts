/**
 * The gateway's metrics (telemetry-catalogue.ts), created once per process from its meter. Queue
 * labels always go through the bounded per-queue series (`Stats.queueSeries`): a client-supplied
 * name never becomes a label value unless the queue exists and the set has room. The latency
 * histograms have a smaller bound of their own (`latencyQueue`, BoundedQueueLabels).
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { BoundedQueueLabels } from '../../../core/src/telemetry/bounded-queue-labels';
import { counterOf, histogramOf } from '../../../core/src/telemetry/meter-instruments';
import { ATTR, METRICS } from '../../../core/src/telemetry/telemetry-catalogue';
import { DEFAULT_LATENCY_QUEUE_LABELS } from '../../../core/src/telemetry/telemetry-settings';

export class GatewayInstruments {
  readonly rpcDuration: Histogram;
  readonly backendDuration: Histogram;
  readonly enqueued: Counter;
  readonly dequeued: Counter;
  readonly acked: Counter;
  readonly timedOut: Counter;
  private readonly latencyLabels: BoundedQueueLabels;

  /** `latencyQueues`: most queues with their own label on the latency histograms. */
  constructor(readonly meter: Meter, readonly queueSeries: (queue: string) => string, latencyQueues: number = DEFAULT_LATENCY_QUEUE_LABELS) {
    this.latencyLabels = new BoundedQueueLabels(latencyQueues, queueSeries);
    this.rpcDuration = histogramOf(meter, METRICS.rpcServerDuration);
    this.backendDuration = histogramOf(meter, METRICS.backendOperationDuration);
    this.enqueued = counterOf(meter, METRICS.jobsEnqueued);
    this.dequeued = counterOf(meter, METRICS.jobsDequeued);
    this.acked = counterOf(meter, METRICS.jobsAcked);
    this.timedOut = counterOf(meter, METRICS.jobsTimedOut);
  }

  /** One PinLater call served: `method` is an IDL method name (bounded), `queue` the raw request queue or undefined. */
  callServed(method: string, queue: string | undefined, seconds: number, errorType: string | undefined): void {
    const attributes: Attributes = { [ATTR.rpcSystem]: 'pinlater', [ATTR.rpcMethod]: `PinLater/${method}` };
    if (queue !== undefined) attributes[ATTR.queue] = this.latencyQueue(queue);
    if (errorType !== undefined) attributes[ATTR.errorType] = errorType;
    this.rpcDuration.record(seconds, attributes);
  }

  /** The queue label of the latency histograms (a smaller bound than counters'). */
  latencyQueue(queue: string): string {
    return this.latencyLabels.label(queue);
  }
}
