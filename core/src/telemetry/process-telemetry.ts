/**
 * A process's OpenTelemetry, built once from its TelemetrySettings (telemetry-settings.ts):
 *
 * - Metrics: a MeterProvider whose only reader is the Prometheus exporter, served through the
 *   process's existing admin HTTP port (`metricsHandler`, never a second port). Components get
 *   `meter` and create their instruments from the catalogue (meter-instruments.ts).
 * - Traces: a tracer provider exporting over OTLP/HTTP (JSON) in batches, parent-based sampling at
 *   the configured ratio, W3C trace context; parents are handed along explicitly
 *   (trace-context.ts). Registered as the process-global provider (what `trace.getTracer` in
 *   tracing.ts uses). With PINLATER_TRACE_STORE_WORK also an AsyncLocalStorage context manager,
 *   so the Redis and MySQL layers find the operation they work for (store-work.ts).
 *
 * Why not `NodeSDK` from @opentelemetry/sdk-node: it is a wrapper around these same providers that
 * reads `process.env` itself and loads instrumentations and detectors we do not want; composing the
 * providers here keeps "config is read once, by the config module" and gives a `close()` that
 * undoes everything (tests start and stop several in one process).
 *
 * Off (`metrics` false and no traces endpoint): no provider, no exporter, no timer, no listener;
 * `meter` is the API's no-op meter and the tracing helpers skip straight to the work.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, metrics, propagation, trace, type Meter } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { setTracingActive } from './tracing';
import type { TelemetrySettings } from './telemetry-settings';

export type MetricsRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ProcessTelemetry {
  readonly settings: TelemetrySettings;
  /** The meter instruments come from; the no-op meter when metrics are off. */
  readonly meter: Meter;
  /** Serves `/metrics` (Prometheus text); undefined when metrics are off (the admin port answers 404). */
  readonly metricsHandler: MetricsRequestHandler | undefined;
  /** Whether spans are recorded and exported. */
  readonly tracing: boolean;
  /** Flushes the spans still buffered (bounded), then undoes every registration. Idempotent. */
  close(): Promise<void>;
}

/** Spans are exported at least this often, in batches of at most MAX_EXPORT_BATCH. */
const SPAN_EXPORT_DELAY_MS = 1000;
const MAX_EXPORT_BATCH = 512;
/** Spans buffered while the collector is slow or away; beyond this they are dropped (never memory without bound). */
const MAX_SPAN_QUEUE = 8192;
const EXPORT_TIMEOUT_MS = 5000;

/** Only one process-global tracer provider can be registered at a time. */
let globalOwner: object | undefined;

/**
 * `extraReaders`: more readers on the same MeterProvider as the Prometheus exporter (the gateway's
 * built-in dashboard reads its history through one); ignored when metrics are off.
 */
/** Label sets per instrument before the SDK merges them (its default is 2,000). */
export const METRIC_CARDINALITY_LIMIT = 50_000;

export function startProcessTelemetry(settings: TelemetrySettings, extraReaders: readonly MetricReader[] = []): ProcessTelemetry {
  const resource = resourceFromAttributes({ 'service.name': settings.serviceName, 'service.instance.id': settings.serviceInstanceId });
  let meterProvider: MeterProvider | undefined;
  let metricsHandler: MetricsRequestHandler | undefined;
  if (settings.metrics) {
    const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
    // Every instrument's label sets are bounded by our own rules (queue labels, bounded sets); the
    // SDK's default limit of 2,000 per instrument would silently merge 1,000 queues' series.
    meterProvider = new MeterProvider({ resource, readers: [exporter, ...extraReaders], views: [{ instrumentName: '*', aggregationCardinalityLimit: METRIC_CARDINALITY_LIMIT }] });
    metricsHandler = exporter.getMetricsRequestHandler.bind(exporter);
  }
  const owner = {};
  let tracerProvider: TracerProvider | undefined;
  const storeWork = settings.traceStoreWork ?? 'off';
  if (settings.tracesEndpoint !== undefined) {
    if (globalOwner !== undefined) throw new Error('process telemetry with tracing is already started in this process: close it first');
    globalOwner = owner;
    tracerProvider = new TracerProvider({
      resource,
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.traceSampleRatio) }),
      spanProcessors: [new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: settings.tracesEndpoint, timeoutMillis: EXPORT_TIMEOUT_MS }),
        scheduledDelayMillis: SPAN_EXPORT_DELAY_MS, maxExportBatchSize: MAX_EXPORT_BATCH, maxQueueSize: MAX_SPAN_QUEUE, exportTimeoutMillis: EXPORT_TIMEOUT_MS,
      })],
    });
    // The ambient context only for Redis/MySQL spans: AsyncLocalStorage taxes every promise (trace-context.ts).
    if (storeWork !== 'off') context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(tracerProvider);
    setTracingActive(true, { storeWork });
  }
  const meter = meterProvider?.getMeter('pinlater') ?? metrics.getMeterProvider().getMeter('pinlater');
  let closed: Promise<void> | undefined;
  return {
    settings,
    meter,
    metricsHandler,
    tracing: tracerProvider !== undefined,
    close: () => {
      closed ??= (async () => {
        if (tracerProvider !== undefined) {
          setTracingActive(false);
          await tracerProvider.shutdown().catch(() => undefined);
          trace.disable();
          propagation.disable();
          context.disable();
          globalOwner = undefined;
        }
        await meterProvider?.shutdown().catch(() => undefined);
      })();
      return closed;
    },
  };
}
