/**
 * A worker's OpenTelemetry instruments, created only from the catalogue's WORKER_SDK_METRICS
 * (core/src/telemetry/telemetry-catalogue.ts): jobs by outcome, handler time, jobs in flight (read
 * from the worker at collection time), failed gateway calls. On the API's no-op meter (no meter
 * given) they record nothing.
 */
import { metrics, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import { counterOf, gaugeOf, histogramOf } from '../../../core/src/telemetry/meter-instruments';
import { ATTR, WORKER_SDK_METRICS } from '../../../core/src/telemetry/telemetry-catalogue';
import type { JobResult } from './worker-counters';

export class WorkerInstruments {
  private readonly processed: Counter;
  private readonly handlerDuration: Histogram;
  private readonly gatewayErrors: Counter;

  constructor(meter: Meter | undefined, private readonly queue: string, inFlight: () => number) {
    const m = meter ?? metrics.getMeterProvider().getMeter('pinlater');
    this.processed = counterOf(m, WORKER_SDK_METRICS.workerJobsProcessed);
    this.handlerDuration = histogramOf(m, WORKER_SDK_METRICS.workerHandlerDuration);
    this.gatewayErrors = counterOf(m, WORKER_SDK_METRICS.workerGatewayErrors);
    gaugeOf(m, WORKER_SDK_METRICS.workerJobsInFlight, (observe) => observe(inFlight(), { [ATTR.queue]: queue }));
  }

  /** One job's outcome; `handlerSeconds` undefined when the handler did not finish (released). */
  jobFinished(result: JobResult, handlerSeconds: number | undefined): void {
    const attributes = { [ATTR.queue]: this.queue, [ATTR.result]: result };
    this.processed.add(1, attributes);
    if (handlerSeconds !== undefined) this.handlerDuration.record(handlerSeconds, attributes);
  }

  callFailed(method: string, errorType: string): void {
    this.gatewayErrors.add(1, { [ATTR.rpcMethod]: method, [ATTR.errorType]: errorType });
  }
}
