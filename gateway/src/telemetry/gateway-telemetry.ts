/**
 * What a gateway process hands its parts for OpenTelemetry (built once in main.ts from its
 * ProcessTelemetry): the instruments (every call, every system's backend operations), the
 * `/metrics` handler for the admin port, and the queue-depth sampler's settings (present only when
 * metrics are on: no timer otherwise).
 */
import type { Meter } from '@opentelemetry/api';
import type { MetricsRequestHandler, ProcessTelemetry } from '../../../core/src/telemetry/process-telemetry';
import { GatewayInstruments } from './gateway-instruments';
import type { InstrumentedStats } from './instrumented-stats';

export interface GatewayTelemetry {
  readonly instruments: GatewayInstruments;
  readonly metricsHandler?: MetricsRequestHandler;
  readonly queueDepth?: { readonly meter: Meter; readonly intervalMs: number };
}

export function gatewayTelemetryOf(telemetry: ProcessTelemetry, stats: InstrumentedStats): GatewayTelemetry {
  const instruments = new GatewayInstruments(telemetry.meter, (q) => stats.queueSeries(q));
  stats.countTimeoutsOn(instruments.timedOut);
  return {
    instruments,
    ...(telemetry.metricsHandler === undefined ? {} : {
      metricsHandler: telemetry.metricsHandler,
      queueDepth: { meter: telemetry.meter, intervalMs: telemetry.settings.queueDepthIntervalMs },
    }),
  };
}
