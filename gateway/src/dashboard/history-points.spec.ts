import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { counterOf, gaugeOf, histogramOf } from '../../../core/src/telemetry/meter-instruments';
import { ATTR, METRICS } from '../../../core/src/telemetry/telemetry-catalogue';
import { DashboardMetricReader } from './dashboard-metric-reader';
import { historyPoints, MODE_INDEX, SERIES } from './history-points';
import { ALL_QUEUES } from './metric-history';

describe('historyPoints (the gateway\'s own instruments, through the dashboard\'s reader)', () => {
  let provider: MeterProvider;
  let reader: DashboardMetricReader;

  beforeEach(() => {
    reader = new DashboardMetricReader();
    provider = new MeterProvider({ readers: [reader] });
  });
  afterEach(() => provider.shutdown());

  it('turns counters into per-second rates of the interval, per queue and in the totals', async () => {
    const enqueued = counterOf(provider.getMeter('t'), METRICS.jobsEnqueued);
    enqueued.add(20, { [ATTR.queue]: 'q1', [ATTR.backend]: 'redis-a' });
    enqueued.add(10, { [ATTR.queue]: 'q2', [ATTR.backend]: 'pacer' });
    const first = historyPoints(await reader.read(), 10);
    expect(first.get('q1')?.get(SERIES.enqueueRate('redis-a'))).toBe(2);
    expect(first.get(ALL_QUEUES)?.get(SERIES.enqueueRate('pacer'))).toBe(1);
    // Delta temporality: the next collection holds only what happened since.
    enqueued.add(5, { [ATTR.queue]: 'q1', [ATTR.backend]: 'redis-a' });
    expect(historyPoints(await reader.read(), 5).get('q1')?.get(SERIES.enqueueRate('redis-a'))).toBe(1);
  });

  it('computes p50/p99 (ms) per system from hot-path operations only, and call and error rates', async () => {
    const meter = provider.getMeter('t');
    const ops = histogramOf(meter, METRICS.backendOperationDuration);
    for (let i = 0; i < 100; i++) ops.record(0.002, { [ATTR.queue]: 'q', [ATTR.backend]: 'pacer', [ATTR.operation]: 'enqueueJobs' });
    ops.record(5, { [ATTR.queue]: 'q', [ATTR.backend]: 'pacer', [ATTR.operation]: 'getJobCount' });
    const calls = histogramOf(meter, METRICS.rpcServerDuration);
    calls.record(0.001, { [ATTR.queue]: 'q', [ATTR.rpcMethod]: 'enqueueJobs' });
    calls.record(0.001, { [ATTR.queue]: 'q', [ATTR.rpcMethod]: 'enqueueJobs', [ATTR.errorType]: 'QUEUE_NOT_FOUND' });
    const q = historyPoints(await reader.read(), 1).get('q');
    expect(q?.get(SERIES.latency('p50', 'pacer'))).toBeGreaterThan(1);
    expect(q?.get(SERIES.latency('p99', 'pacer'))).toBeLessThanOrEqual(2.5);
    expect(q?.get(SERIES.requestRate)).toBe(2);
    expect(q?.get(SERIES.errorRate)).toBe(1);
  });

  it('reads the backlog and mode gauges, and the shadow match rate with its noise floor', async () => {
    const meter = provider.getMeter('t');
    gaugeOf(meter, METRICS.queueBacklog, (observe) => observe(42, { [ATTR.queue]: 'q', [ATTR.backend]: 'pacer-shadow' }));
    gaugeOf(meter, METRICS.routingQueueMode, (observe) => observe(1, { [ATTR.queue]: 'q', [ATTR.mode]: 'shadow' }));
    const compared = counterOf(meter, METRICS.shadowComparisons);
    compared.add(8, { [ATTR.queue]: 'q', [ATTR.rpcMethod]: 'lookupJobs', [ATTR.result]: 'matched' });
    compared.add(1, { [ATTR.queue]: 'q', [ATTR.rpcMethod]: 'lookupJobs', [ATTR.result]: 'ignored' });
    compared.add(1, { [ATTR.queue]: 'q', [ATTR.rpcMethod]: 'lookupJobs', [ATTR.result]: 'mismatched' });
    compared.add(3, { [ATTR.queue]: 'q', [ATTR.rpcMethod]: 'lookupJobs', [ATTR.result]: 'candidate_error' });
    counterOf(meter, METRICS.shadowNoiseComparisons).add(4, { [ATTR.queue]: 'q', [ATTR.rpcMethod]: 'scanJobs', [ATTR.result]: 'matched' });
    const q = historyPoints(await reader.read(), 1).get('q');
    expect(q?.get(SERIES.backlog('pacer-shadow'))).toBe(42);
    expect(q?.get(SERIES.mode)).toBe(MODE_INDEX.shadow);
    expect(q?.get(SERIES.shadowMatched)).toBe(90);
    expect(q?.get(SERIES.shadowMismatched)).toBe(10);
    expect(q?.get(SERIES.shadowNoise)).toBe(0);
    expect(q?.get(SERIES.shadowErrors)).toBe(3);
  });
});
