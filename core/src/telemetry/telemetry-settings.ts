/**
 * A process's OpenTelemetry settings, compiled once by its config module from the environment it
 * was handed (never read from `process.env` here). Standard OpenTelemetry variable names where one
 * exists, so operators need not learn ours:
 *
 * - `OTEL_SDK_DISABLED=true`: no telemetry at all (no meter or tracer provider, no exporter, no
 *   timers, no listeners; `/metrics` answers 404).
 * - `PINLATER_METRICS_ENABLED` (default true): the Prometheus metrics on the admin port's `/metrics`.
 * - `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (default unset: no tracing): the OTLP/HTTP (JSON) traces
 *   URL, e.g. `http://127.0.0.1:4318/v1/traces`.
 * - `OTEL_TRACES_SAMPLER_ARG` (default 1): the share of new traces sampled (0..1); a trace started
 *   by a caller (Finagle header, broker RPC) follows the caller's decision.
 * - `OTEL_SERVICE_NAME`: overrides the process's service name (`pinlater-gateway`, …).
 * - `PINLATER_TRACE_STORE_WORK` (default `off`): `summary`: the Redis/MySQL work of each traced
 *   backend operation as one span per store; `commands`: a span per Redis command and SQL
 *   statement (store-work.ts). Either turns on Node's AsyncLocalStorage, which costs CPU on every
 *   call, sampled or not (docs/observability.md).
 * - `PINLATER_QUEUE_DEPTH_INTERVAL_MS` (default 15000): how often the queue-depth gauges are
 *   recomputed (a bounded number of counts per round, never on a scrape).
 * - `PINLATER_METRICS_LATENCY_QUEUES` (default 100): most queues with a label of their own on the
 *   latency histograms (a histogram is 18 series per label set: 1,000 queues made `/metrics` 12 MB
 *   and 2 s to render); the others share `other-queues` there. Counters and gauges keep one series
 *   per queue within the per-queue bound of the stats.
 */
import { z } from 'zod';
import { parseConfig } from '../config/parse-config';
import type { StoreWorkTracing } from './tracing';

export interface TelemetrySettings {
  readonly serviceName: string;
  /** Identifies this process among its service's (host:pid, or the configured id). */
  readonly serviceInstanceId: string;
  readonly metrics: boolean;
  /** undefined: no tracing. */
  readonly tracesEndpoint: string | undefined;
  readonly traceSampleRatio: number;
  readonly queueDepthIntervalMs: number;
  /** Redis/MySQL spans (default off): one per operation and store, or one per command. */
  readonly traceStoreWork?: StoreWorkTracing;
  /** Most queues with their own label on latency histograms (default DEFAULT_LATENCY_QUEUE_LABELS). */
  readonly latencyQueueLabels?: number;
}

export const DEFAULT_LATENCY_QUEUE_LABELS = 100;

const bool = (fallback: boolean) => z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? fallback : v === 'true'));

const schema = z.object({
  OTEL_SDK_DISABLED: bool(false),
  PINLATER_METRICS_ENABLED: bool(true),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url('an http(s) URL, e.g. http://127.0.0.1:4318/v1/traces').refine((u) => /^https?:\/\//.test(u), 'an http(s) URL').optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  OTEL_SERVICE_NAME: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - (at most 100)').optional(),
  PINLATER_QUEUE_DEPTH_INTERVAL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(15_000),
  PINLATER_TRACE_STORE_WORK: z.enum(['off', 'summary', 'commands']).default('off'),
  PINLATER_METRICS_LATENCY_QUEUES: z.coerce.number().int().min(0).max(5000).default(DEFAULT_LATENCY_QUEUE_LABELS),
});

const NAMES = Object.keys(schema.shape) as ReadonlyArray<keyof typeof schema.shape>;

/** Telemetry off (tests, tools, `OTEL_SDK_DISABLED=true`). */
export function telemetryOff(serviceName: string, serviceInstanceId = serviceName): TelemetrySettings {
  return { serviceName, serviceInstanceId, metrics: false, tracesEndpoint: undefined, traceSampleRatio: 1, queueDepthIntervalMs: 15_000 };
}

export function loadTelemetrySettings(env: Readonly<Record<string, string | undefined>>, serviceName: string, serviceInstanceId: string): TelemetrySettings {
  const vars = Object.fromEntries(NAMES.map((n) => [n, env[n] === '' ? undefined : env[n]]));
  const v = parseConfig(`${serviceName} telemetry configuration`, schema, vars);
  if (v.OTEL_SDK_DISABLED) return telemetryOff(v.OTEL_SERVICE_NAME ?? serviceName, serviceInstanceId);
  return {
    serviceName: v.OTEL_SERVICE_NAME ?? serviceName,
    serviceInstanceId,
    metrics: v.PINLATER_METRICS_ENABLED,
    tracesEndpoint: v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    traceSampleRatio: v.OTEL_TRACES_SAMPLER_ARG,
    queueDepthIntervalMs: v.PINLATER_QUEUE_DEPTH_INTERVAL_MS,
    traceStoreWork: v.PINLATER_TRACE_STORE_WORK,
    latencyQueueLabels: v.PINLATER_METRICS_LATENCY_QUEUES,
  };
}
