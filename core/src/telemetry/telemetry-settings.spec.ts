import { ConfigError } from '../config/parse-config';
import { loadTelemetrySettings } from './telemetry-settings';

describe('loadTelemetrySettings', () => {
  it('defaults: metrics on, tracing off, every trace sampled once on, depth every 15 s', () => {
    expect(loadTelemetrySettings({}, 'pinlater-gateway', 'h:1')).toEqual({
      serviceName: 'pinlater-gateway', serviceInstanceId: 'h:1', metrics: true, tracesEndpoint: undefined, traceSampleRatio: 1, queueDepthIntervalMs: 15_000, traceStoreWork: 'off', latencyQueueLabels: 100,
    });
  });

  it('reads the standard OpenTelemetry variables and ours', () => {
    const s = loadTelemetrySettings({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces', OTEL_TRACES_SAMPLER_ARG: '0.25', OTEL_SERVICE_NAME: 'gw-east',
      PINLATER_METRICS_ENABLED: 'false', PINLATER_QUEUE_DEPTH_INTERVAL_MS: '5000', PINLATER_TRACE_STORE_WORK: 'summary', PINLATER_METRICS_LATENCY_QUEUES: '7',
    }, 'pinlater-gateway', 'h:1');
    expect(s).toEqual({ serviceName: 'gw-east', serviceInstanceId: 'h:1', metrics: false, tracesEndpoint: 'http://127.0.0.1:4318/v1/traces', traceSampleRatio: 0.25, queueDepthIntervalMs: 5000, traceStoreWork: 'summary', latencyQueueLabels: 7 });
  });

  it('OTEL_SDK_DISABLED=true turns everything off', () => {
    const s = loadTelemetrySettings({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://x:4318/v1/traces' }, 'pacer-broker', 'b1');
    expect({ metrics: s.metrics, traces: s.tracesEndpoint }).toEqual({ metrics: false, traces: undefined });
  });

  it('names each bad variable', () => {
    try {
      loadTelemetrySettings({ OTEL_TRACES_SAMPLER_ARG: '2', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x', PINLATER_METRICS_ENABLED: 'yes' }, 'pinlater-gateway', 'h');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const text = (e as ConfigError).problems.join('\n');
      for (const v of ['OTEL_TRACES_SAMPLER_ARG', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'PINLATER_METRICS_ENABLED']) expect(text).toContain(v);
    }
  });
});
