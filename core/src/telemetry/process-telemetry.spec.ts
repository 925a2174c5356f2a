/**
 * Telemetry off costs nothing (issue 12): no provider, no exporter, no timer, no handle, no
 * listener, and the tracing helpers hand the work straight through. Telemetry on is the contrast
 * that shows the checks can see what is created (an unref()ed BatchSpanProcessor timer is not
 * visible to `process.getActiveResourcesInfo()`: test/support/async-resources.ts).
 */
import { context, createNoopMeter, metrics, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncResourceTracker, createdBy, describeResource } from '../../../test/support/async-resources';
import { eventually } from '../../../test/support/eventually';
import { assertNoLeaks } from '../../../test/support/leak-check';
import { startOtlpReceiver } from '../../../test/support/otlp-receiver';
import { startProcessTelemetry } from './process-telemetry';
import { SPANS } from './telemetry-catalogue';
import { telemetryOff, type TelemetrySettings } from './telemetry-settings';
import { activeSpanIds, contextFromTraceparent, inSpan, spanIdsOf, traceparentOf, tracedRedis, tracedSql, tracingActive } from './tracing';

afterAll(assertNoLeaks);

const OPENTELEMETRY = /node_modules\/@opentelemetry\//;
const PROCESS_EVENTS = ['exit', 'beforeExit', 'SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection', 'warning'] as const;
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function processListeners(): Record<string, number> {
  return Object.fromEntries(PROCESS_EVENTS.map((e) => [e, process.listenerCount(e)]));
}

/** Whether a span started through the global API would record (a registered tracer provider). */
function globalTracerRecords(): boolean {
  const span = trace.getTracer('probe').startSpan('probe');
  span.end();
  return span.isRecording();
}

describe('telemetry off', () => {
  it('starts no meter or tracer provider, no exporter, and creates no timer, handle or listener', async () => {
    const listeners = processListeners();
    const tracker = AsyncResourceTracker.start();
    const telemetry = startProcessTelemetry(telemetryOff('pinlater-gateway', 'spec'));
    try {
      expect(telemetry.metricsHandler).toBeUndefined();
      expect(telemetry.tracing).toBe(false);
      expect(tracingActive()).toBe(false);
      expect(telemetry.meter).toBe(createNoopMeter());
      expect(metrics.getMeterProvider().getMeter('probe')).toBe(createNoopMeter());
      expect(globalTracerRecords()).toBe(false);
    } finally {
      await telemetry.close();
      tracker.stop();
      tracker.dispose();
    }
    expect(tracker.created().map((r) => describeResource(r))).toEqual([]);
    expect(processListeners()).toEqual(listeners);
  });

  it('inSpan, traceparentOf, tracedSql and tracedRedis run the work directly, with no span', async () => {
    const telemetry = startProcessTelemetry(telemetryOff('pinlater-gateway', 'spec'));
    try {
      const seen = await inSpan(SPANS.rpcServer, { parts: { method: 'enqueueJobs' } }, async (span, ctx) => ({
        span, ctx, active: trace.getActiveSpan(), traceparent: traceparentOf(ctx), ids: activeSpanIds(), explicitIds: spanIdsOf(ctx),
      }));
      expect(seen).toEqual({ span: undefined, ctx: undefined, active: undefined, traceparent: undefined, ids: undefined, explicitIds: undefined });
      // The very promise the work returned: no wrapper, no context switch.
      const work = Promise.resolve(7);
      expect(tracedSql('SELECT 1', () => work)).toBe(work);
      expect(tracedRedis('EVALSHA', () => work)).toBe(work);
      expect(contextFromTraceparent(TRACEPARENT)).toBe(ROOT_CONTEXT);
      expect(traceparentOf(ROOT_CONTEXT)).toBeUndefined();
    } finally {
      await telemetry.close();
    }
  });
});

describe('telemetry on (the contrast)', () => {
  it('serves metrics, records spans, runs the BatchSpanProcessor timer while spans wait, and leaves nothing after close', async () => {
    const receiver = await startOtlpReceiver();
    const listeners = processListeners();
    const tracker = AsyncResourceTracker.start();
    try {
      const settings: TelemetrySettings = { ...telemetryOff('pinlater-gateway', 'spec'), metrics: true, tracesEndpoint: receiver.url };
      const telemetry = startProcessTelemetry(settings);
      expect(typeof telemetry.metricsHandler).toBe('function');
      expect(telemetry.tracing).toBe(true);
      expect(tracingActive()).toBe(true);
      expect(telemetry.meter).not.toBe(createNoopMeter());
      const work = Promise.resolve(7);
      // Parents are explicit: the span's context is handed to the callback, nothing ambient
      // (no AsyncLocalStorage: trace-context.ts), and store work is not traced by default.
      const seen = await inSpan(SPANS.rpcServer, { parts: { method: 'enqueueJobs' }, collectStoreWork: true }, async (span, ctx) => {
        const sql = tracedSql('SELECT 1', () => work);
        return { span, ctx, recording: span?.isRecording(), active: trace.getActiveSpan(), traceparent: traceparentOf(ctx), ids: spanIdsOf(ctx), sqlWrapped: sql !== work, sql: await sql };
      });
      expect(seen.span).toBeDefined();
      expect(seen.ctx === undefined ? undefined : trace.getSpan(seen.ctx)).toBe(seen.span);
      expect(seen.active).toBeUndefined();
      const { traceId, spanId } = seen.span?.spanContext() ?? {};
      expect(seen.traceparent).toBe(`00-${traceId}-${spanId}-01`);
      expect(seen.ids).toEqual({ trace_id: traceId, span_id: spanId });
      expect(seen).toMatchObject({ recording: true, sqlWrapped: false, sql: 7 });
      expect(trace.getSpan(contextFromTraceparent(TRACEPARENT))?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      // The ended spans wait for the processor's (unref()ed) export timer.
      expect(tracker.live().filter((r) => r.type === 'Timeout' && createdBy(r, /BatchSpanProcessorBase/))).toHaveLength(1);

      await telemetry.close();
      expect(receiver.spans().map((s) => s.name).sort()).toEqual(['PinLater/enqueueJobs']);
      expect(tracingActive()).toBe(false);
      expect(globalTracerRecords()).toBe(false);
      expect(context.active()).toBe(ROOT_CONTEXT);
      await receiver.close();
      tracker.stop();
      // Everything OpenTelemetry created (timers, the export's socket) is gone again.
      await eventually(() => expect(tracker.live().filter((r) => createdBy(r, OPENTELEMETRY)).map((r) => describeResource(r))).toEqual([]));
    } finally {
      tracker.dispose();
      await receiver.close();
    }
    expect(processListeners()).toEqual(listeners);
  });
});
