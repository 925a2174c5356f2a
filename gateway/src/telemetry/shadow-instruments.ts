/**
 * Shadow mode's metrics (telemetry-catalogue.ts `pinlater.shadow.*`, issue 13): the engine's
 * observer (core/src/shadow/shadow-observer.ts) over OpenTelemetry instruments, plus the gauges
 * read from the engine at collection time (pending tasks, flagged fields). Queue labels go through
 * the bounded per-queue series (`Stats.queueSeries`), as every per-queue metric of the gateway.
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { ShadowDropReason } from '../../../core/src/shadow/shadow-executor';
import type { ShadowObserver, ShadowSide } from '../../../core/src/shadow/shadow-observer';
import type { ShadowMethod } from '../../../core/src/shadow/shadow-report';
import type { ComparisonResult } from '../../../core/src/shadow/shadow-statistics';
import { counterOf, gaugeOf, histogramOf } from '../../../core/src/telemetry/meter-instruments';
import { ATTR, METRICS } from '../../../core/src/telemetry/telemetry-catalogue';

/** What the gauges read from the engine (ShadowEngine). */
export interface ShadowGaugeSource {
  pendingTasks(): number;
  flaggedFields(): Array<{ queue: string; method: ShadowMethod; flagged: number }>;
}

export class ShadowInstruments implements ShadowObserver {
  private readonly comparisons: Counter;
  private readonly noiseComparisons: Counter;
  private readonly fieldDifferences: Counter;
  private readonly callDuration: Histogram;
  private readonly tasksDropped: Counter;
  private readonly jobsCopied: Counter;
  private readonly jobsDrained: Counter;

  constructor(private readonly meter: Meter, private readonly queueSeries: (queue: string) => string) {
    this.comparisons = counterOf(meter, METRICS.shadowComparisons);
    this.noiseComparisons = counterOf(meter, METRICS.shadowNoiseComparisons);
    this.fieldDifferences = counterOf(meter, METRICS.shadowFieldDifferences);
    this.callDuration = histogramOf(meter, METRICS.shadowCallDuration);
    this.tasksDropped = counterOf(meter, METRICS.shadowTasksDropped);
    this.jobsCopied = counterOf(meter, METRICS.shadowJobsCopied);
    this.jobsDrained = counterOf(meter, METRICS.shadowJobsDrained);
  }

  /** The gauges, read from `source` at collection time (once, when the engine exists). */
  registerGauges(source: ShadowGaugeSource): void {
    gaugeOf(this.meter, METRICS.shadowTasksPending, (observe) => observe(source.pendingTasks()));
    gaugeOf(this.meter, METRICS.shadowFlaggedFields, (observe) => {
      for (const { queue, method, flagged } of source.flaggedFields()) observe(flagged, this.method(queue, method));
    });
  }

  compared(queue: string, method: ShadowMethod, result: ComparisonResult): void {
    this.comparisons.add(1, { ...this.method(queue, method), [ATTR.result]: result });
  }

  noiseCompared(queue: string, method: ShadowMethod, matched: boolean): void {
    this.noiseComparisons.add(1, { ...this.method(queue, method), [ATTR.result]: matched ? 'matched' : 'mismatched' });
  }

  fieldDiffered(queue: string, method: ShadowMethod, field: string, comparison: 'raw' | 'noise'): void {
    this.fieldDifferences.add(1, { ...this.method(queue, method), [ATTR.shadowField]: field, [ATTR.shadowComparison]: comparison });
  }

  sideTimed(queue: string, method: ShadowMethod, side: ShadowSide, seconds: number): void {
    this.callDuration.record(seconds, { ...this.method(queue, method), [ATTR.shadowSide]: side });
  }

  dropped(queue: string, reason: ShadowDropReason): void {
    this.tasksDropped.add(1, { [ATTR.queue]: this.queueSeries(queue), [ATTR.result]: reason });
  }

  copied(queue: string, jobs: number): void {
    this.jobsCopied.add(jobs, { [ATTR.queue]: this.queueSeries(queue) });
  }

  drained(queue: string, result: 'succeeded' | 'failed', jobs: number): void {
    this.jobsDrained.add(jobs, { [ATTR.queue]: this.queueSeries(queue), [ATTR.result]: result });
  }

  private method(queue: string, method: ShadowMethod): Attributes {
    return { [ATTR.queue]: this.queueSeries(queue), [ATTR.rpcMethod]: `PinLater/${method}` };
  }
}
