/**
 * One collection of the gateway's own metrics (the same instruments Prometheus scrapes, read by the
 * dashboard's delta-temporality reader, dashboard-metric-reader.ts) turned into the dashboard's
 * per-queue numbers. Only catalogue metrics are read (METRICS); the series names are the
 * dashboard's (SERIES), per queue label and, for the totals, ALL_QUEUES:
 *
 * - rates (per second over the interval): enqueued and dequeued jobs per system, calls and failed
 *   calls, shadow copies, drains, drops and comparison errors;
 * - latency p50/p99 (ms) per system from `pinlater.backend.operation.duration` (enqueue, dequeue
 *   and ack operations only: the gateway's own counts would otherwise dominate), and per shadow
 *   side from `pinlater.shadow.call.duration`;
 * - gauges: backlog per system, the mode (MODE_INDEX);
 * - shadow comparison shares (%) over the interval: matched (matched + ignored), mismatched, and
 *   the noise floor (the primary's mismatches against itself).
 */
import type { Attributes } from '@opentelemetry/api';
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ATTR, METRICS } from '../../../core/src/telemetry/telemetry-catalogue';
import { histogramQuantile, mergeBuckets } from './histogram-quantile';
import { ALL_QUEUES } from './metric-history';

/** The routing modes in chart order (the mode series holds the index). */
export const MODES = ['legacy', 'shadow', 'migrating', 'pacer'] as const;
export const MODE_INDEX: Readonly<Record<string, number>> = Object.fromEntries(MODES.map((m, i) => [m, i]));

export const SERIES = {
  enqueueRate: (system: string) => `rate:enqueue|${system}`,
  dequeueRate: (system: string) => `rate:dequeue|${system}`,
  requestRate: 'rate:requests',
  errorRate: 'rate:errors',
  latency: (quantile: 'p50' | 'p99', system: string) => `lat:${quantile}|${system}`,
  shadowLatency: (quantile: 'p50' | 'p99', side: string) => `shadowlat:${quantile}|${side}`,
  backlog: (system: string) => `backlog|${system}`,
  mode: 'mode',
  shadowMatched: 'shadow:matched',
  shadowMismatched: 'shadow:mismatched',
  shadowNoise: 'shadow:noise',
  shadowCopied: 'rate:shadow.copied',
  shadowDrained: 'rate:shadow.drained',
  shadowDropped: 'rate:shadow.dropped',
  shadowErrors: 'rate:shadow.errors',
} as const;

/** The part after `|` of a per-system or per-side series name. */
export function seriesLabel(name: string): string {
  const bar = name.indexOf('|');
  return bar < 0 ? name : name.slice(bar + 1);
}

export function isRateSeries(name: string): boolean {
  return name.startsWith('rate:');
}

const LATENCY_OPERATIONS: ReadonlySet<string> = new Set(['enqueueJobs', 'dequeueJobs', 'ackDequeuedJobs']);

type Histo = { boundaries: readonly number[]; counts: number[] };

/** Accumulates one collection's numbers per queue label, then hands them over (`points`). */
class PointBuilder {
  private readonly values = new Map<string, Map<string, number>>();
  private readonly histos = new Map<string, Map<string, Histo>>();
  private readonly shadow = new Map<string, { matched: number; mismatched: number; total: number; noiseMismatched: number; noiseTotal: number }>();

  constructor(private readonly seconds: number) {}

  add(queue: string, name: string, value: number): void {
    let q = this.values.get(queue);
    if (q === undefined) {
      q = new Map();
      this.values.set(queue, q);
    }
    q.set(name, (q.get(name) ?? 0) + value);
  }

  /** A rate for the queue and for the totals. */
  rate(queue: string, name: string, delta: number, total = true): void {
    this.add(queue, name, delta / this.seconds);
    if (total) this.add(ALL_QUEUES, name, delta / this.seconds);
  }

  histogram(queue: string, key: string, h: { boundaries: readonly number[]; counts: readonly number[] }): void {
    let q = this.histos.get(queue);
    if (q === undefined) {
      q = new Map();
      this.histos.set(queue, q);
    }
    q.set(key, mergeBuckets(q.get(key), h));
  }

  shadowCounts(queue: string): { matched: number; mismatched: number; total: number; noiseMismatched: number; noiseTotal: number } {
    let s = this.shadow.get(queue);
    if (s === undefined) {
      s = { matched: 0, mismatched: 0, total: 0, noiseMismatched: 0, noiseTotal: 0 };
      this.shadow.set(queue, s);
    }
    return s;
  }

  points(): Map<string, Map<string, number>> {
    for (const [queue, histos] of this.histos) {
      for (const [key, h] of histos) {
        const [kind, label] = key.split('|') as ['lat' | 'shadowlat', string];
        const make = kind === 'lat' ? SERIES.latency : SERIES.shadowLatency;
        const p50 = histogramQuantile(0.5, h);
        const p99 = histogramQuantile(0.99, h);
        if (p50 !== undefined) this.add(queue, make('p50', label), p50 * 1000);
        if (p99 !== undefined) this.add(queue, make('p99', label), p99 * 1000);
      }
    }
    for (const [queue, s] of this.shadow) {
      if (s.total > 0) {
        this.add(queue, SERIES.shadowMatched, (100 * s.matched) / s.total);
        this.add(queue, SERIES.shadowMismatched, (100 * s.mismatched) / s.total);
      }
      if (s.noiseTotal > 0) this.add(queue, SERIES.shadowNoise, (100 * s.noiseMismatched) / s.noiseTotal);
    }
    return this.values;
  }
}

/** The dashboard's numbers of one collection covering `seconds`, by queue label. */
export function historyPoints(collected: ResourceMetrics, seconds: number): Map<string, Map<string, number>> {
  const builder = new PointBuilder(Math.max(seconds, 0.001));
  for (const scope of collected.scopeMetrics) for (const metric of scope.metrics) addMetric(builder, metric);
  return builder.points();
}

const str = (attributes: Attributes, key: string): string | undefined => {
  const v = attributes[key];
  return typeof v === 'string' ? v : undefined;
};

function addMetric(b: PointBuilder, metric: MetricData): void {
  const handler = HANDLERS.get(metric.descriptor.name);
  if (handler === undefined) return;
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    for (const dp of metric.dataPoints) handler(b, dp.attributes, 0, dp.value.buckets);
  } else if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
    for (const dp of metric.dataPoints) handler(b, dp.attributes, dp.value);
  }
}

type Handler = (b: PointBuilder, attributes: Attributes, value: number, buckets?: { boundaries: number[]; counts: number[] }) => void;

const HANDLERS = new Map<string, Handler>([
  [METRICS.jobsEnqueued.name, (b, a, v) => withQueue(a, (q) => b.rate(q, SERIES.enqueueRate(str(a, ATTR.backend) ?? '?'), v))],
  [METRICS.jobsDequeued.name, (b, a, v) => withQueue(a, (q) => b.rate(q, SERIES.dequeueRate(str(a, ATTR.backend) ?? '?'), v))],
  [METRICS.rpcServerDuration.name, (b, a, _v, h) => withQueue(a, (q) => {
    const calls = h?.counts.reduce((x, y) => x + y, 0) ?? 0;
    b.rate(q, SERIES.requestRate, calls);
    if (str(a, ATTR.errorType) !== undefined) b.rate(q, SERIES.errorRate, calls);
  })],
  [METRICS.backendOperationDuration.name, (b, a, _v, h) => withQueue(a, (q) => {
    if (h !== undefined && LATENCY_OPERATIONS.has(str(a, ATTR.operation) ?? '')) b.histogram(q, `lat|${str(a, ATTR.backend) ?? '?'}`, h);
  })],
  [METRICS.shadowCallDuration.name, (b, a, _v, h) => withQueue(a, (q) => {
    if (h !== undefined) b.histogram(q, `shadowlat|${str(a, ATTR.shadowSide) ?? '?'}`, h);
  })],
  [METRICS.queueBacklog.name, (b, a, v) => withQueue(a, (q) => {
    const system = str(a, ATTR.backend) ?? '?';
    b.add(q, SERIES.backlog(system), v);
    b.add(ALL_QUEUES, SERIES.backlog(system), v);
  })],
  [METRICS.routingQueueMode.name, (b, a, v) => withQueue(a, (q) => {
    const index = MODE_INDEX[str(a, ATTR.mode) ?? ''];
    if (v === 1 && index !== undefined) b.add(q, SERIES.mode, index);
  })],
  [METRICS.shadowComparisons.name, (b, a, v) => withQueue(a, (q) => {
    const result = str(a, ATTR.result);
    const s = b.shadowCounts(q);
    if (result === 'primary_error' || result === 'candidate_error') {
      b.rate(q, SERIES.shadowErrors, v, false);
      return;
    }
    s.total += v;
    if (result === 'matched' || result === 'ignored') s.matched += v;
    else if (result === 'mismatched') s.mismatched += v;
  })],
  [METRICS.shadowNoiseComparisons.name, (b, a, v) => withQueue(a, (q) => {
    const s = b.shadowCounts(q);
    s.noiseTotal += v;
    if (str(a, ATTR.result) === 'mismatched') s.noiseMismatched += v;
  })],
  [METRICS.shadowJobsCopied.name, (b, a, v) => withQueue(a, (q) => b.rate(q, SERIES.shadowCopied, v, false))],
  [METRICS.shadowJobsDrained.name, (b, a, v) => withQueue(a, (q) => b.rate(q, SERIES.shadowDrained, v, false))],
  [METRICS.shadowTasksDropped.name, (b, a, v) => withQueue(a, (q) => b.rate(q, SERIES.shadowDropped, v, false))],
]);

function withQueue(attributes: Attributes, then: (queue: string) => void): void {
  const queue = str(attributes, ATTR.queue);
  if (queue !== undefined && queue !== ALL_QUEUES) then(queue);
}
