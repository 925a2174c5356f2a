/**
 * What a gateway process hands its parts for OpenTelemetry (built once in main.ts from its
 * ProcessTelemetry): the instruments (every call, every system's backend operations), the
 * `/metrics` handler for the admin port, and the queue-depth sampler's settings (present only when
 * metrics are on: no timer otherwise).
 */
import type { Meter } from '@opentelemetry/api';
import type { MetricsRequestHandler, ProcessTelemetry } from '../../../core/src/telemetry/process-telemetry';
import type { DashboardMetricReader } from '../dashboard/dashboard-metric-reader';
import { GatewayInstruments } from './gateway-instruments';
import type { InstrumentedStats } from './instrumented-stats';

export interface GatewayTelemetry {
  readonly instruments: GatewayInstruments;
  readonly metricsHandler?: MetricsRequestHandler;
  readonly queueDepth?: { readonly meter: Meter; readonly intervalMs: number };
  /** The built-in dashboard's reader on the same MeterProvider (present only when metrics are on). */
  readonly dashboardReader?: DashboardMetricReader;
}

/** `dashboardReader`: the reader handed to startProcessTelemetry's `extraReaders`, if any. */
export function gatewayTelemetryOf(telemetry: ProcessTelemetry, stats: InstrumentedStats, dashboardReader?: DashboardMetricReader): GatewayTelemetry {
  const instruments = new GatewayInstruments(telemetry.meter, (q) => stats.queueSeries(q), telemetry.settings.latencyQueueLabels);
  stats.countTimeoutsOn(instruments.timedOut);
  return {
    instruments,
    ...(telemetry.metricsHandler === undefined ? {} : {
      metricsHandler: telemetry.metricsHandler,
      queueDepth: { meter: telemetry.meter, intervalMs: telemetry.settings.queueDepthIntervalMs },
      ...(dashboardReader === undefined ? {} : { dashboardReader }),
    }),
  };
}
