import { MeterProvider, AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { ATTR, METRICS, prometheusSeries, SECONDS_BUCKETS, WORKER_SDK_METRICS } from '../../../core/src/telemetry/telemetry-catalogue';
import { WorkerInstruments } from './worker-instruments';

describe('the worker SDK metrics in the catalogue', () => {
  const defs = Object.values(WORKER_SDK_METRICS);

  it('follow the catalogue\'s rules: dotted lower-case pinlater.worker.* names, ATTR labels only, latency in seconds', () => {
    const known = new Set<string>(Object.values(ATTR));
    for (const d of defs) {
      expect(d.name).toMatch(/^pinlater\.worker(\.[a-z][a-z0-9_]*)+$/);
      for (const a of d.attributes) expect({ metric: d.name, a, known: known.has(a) }).toEqual({ metric: d.name, a, known: true });
      expect(d.attributes).not.toContain(ATTR.clientId);
      if (d.kind === 'histogram') expect(d).toMatchObject({ unit: 's', buckets: SECONDS_BUCKETS });
    }
  });

  it('clash with nothing the system\'s processes export (names and Prometheus series)', () => {
    const all = [...Object.values(METRICS), ...defs];
    expect(new Set(all.map((d) => d.name)).size).toBe(all.length);
    const series = all.flatMap(prometheusSeries);
    expect(new Set(series).size).toBe(series.length);
  });
});

describe('WorkerInstruments', () => {
  it('records outcomes, handler time, failed calls and the in-flight gauge under the catalogue names and labels', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const instruments = new WorkerInstruments(provider.getMeter('test'), 'q1', () => 3);
    instruments.jobFinished('succeeded', 0.02);
    instruments.jobFinished('retried', 0.5);
    instruments.jobFinished('released', undefined);
    instruments.callFailed('dequeueJobs', 'connection_lost');
    await reader.forceFlush();
    const points = exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
      .flatMap((m) => m.dataPoints.map((p) => ({ name: m.descriptor.name, attributes: p.attributes, value: typeof p.value === 'number' ? p.value : (p.value as { count: number }).count })));
    expect(points).toEqual(expect.arrayContaining([
      { name: 'pinlater.worker.jobs.processed', attributes: { [ATTR.queue]: 'q1', [ATTR.result]: 'succeeded' }, value: 1 },
      { name: 'pinlater.worker.jobs.processed', attributes: { [ATTR.queue]: 'q1', [ATTR.result]: 'released' }, value: 1 },
      { name: 'pinlater.worker.handler.duration', attributes: { [ATTR.queue]: 'q1', [ATTR.result]: 'retried' }, value: 1 },
      { name: 'pinlater.worker.gateway.errors', attributes: { [ATTR.rpcMethod]: 'dequeueJobs', [ATTR.errorType]: 'connection_lost' }, value: 1 },
      { name: 'pinlater.worker.jobs.in_flight', attributes: { [ATTR.queue]: 'q1' }, value: 3 },
    ]));
    expect(points.filter((p) => p.name === 'pinlater.worker.handler.duration' && p.attributes[ATTR.result] === 'released')).toEqual([]);
    await provider.shutdown();
  });
});
