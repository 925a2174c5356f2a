/**
 * The built-in dashboard's reader of the gateway's metrics (issue 13: "it reads the same data as
 * Prometheus"): a second MetricReader on the process's MeterProvider, beside the Prometheus
 * exporter (core/src/telemetry/process-telemetry.ts `extraReaders`), so it sees every instrument
 * the exporter does. Collected only by the dashboard's timer (dashboard-history.ts), never per
 * request; delta temporality, so each collection holds what happened since the previous one (a
 * counter's increase, a histogram's new observations). Its cardinality limit per instrument is
 * higher than the SDK's default 2,000 so 1,000 queues on several systems stay apart.
 */
import { AggregationTemporality, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

const CARDINALITY_LIMIT = 20_000;

export class DashboardMetricReader extends MetricReader {
  constructor() {
    super({
      aggregationTemporalitySelector: () => AggregationTemporality.DELTA,
      cardinalitySelector: () => CARDINALITY_LIMIT,
    });
  }

  /** One collection; collection errors (a gauge callback that threw) leave that instrument out. */
  async read(): Promise<ResourceMetrics> {
    const { resourceMetrics } = await this.collect();
    return resourceMetrics;
  }

  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }

  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
