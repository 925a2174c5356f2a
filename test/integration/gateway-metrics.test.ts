/**
 * Issue 12: the gateway's OpenTelemetry metrics on its admin port's `/metrics`, through the
 * Prometheus exporter's own handler, over a real legacy Redis backend: calls, backend operations,
 * jobs enqueued/dequeued/acked, queue depth. Labels stay bounded: a made-up queue name is never a
 * label value. With metrics off, `/metrics` is 404 and no queue-depth timer runs.
 */
import { get } from 'node:http';
import { silentLogger } from '../../core/src/logging/logger';
import { startProcessTelemetry, type ProcessTelemetry } from '../../core/src/telemetry/process-telemetry';
import { METRICS, prometheusName } from '../../core/src/telemetry/telemetry-catalogue';
import { telemetryOff } from '../../core/src/telemetry/telemetry-settings';
import { DEFAULT_LEGACY_SETTINGS } from '../../core/src/types/legacy-backend-options';
import { buildBackend } from '../../gateway/src/backend-registry';
import { startGateway, type RunningGateway } from '../../gateway/src/gateway-process';
import { gatewayTelemetryOf } from '../../gateway/src/telemetry/gateway-telemetry';
import { InstrumentedStats } from '../../gateway/src/telemetry/instrumented-stats';
import { shardKeyPatterns } from '../../legacy-adapter/src/redis/keys';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';

const shards = [`${uniqueShardBase()}a`];
const QUEUE = 'metrics_q';

interface Running {
  gateway: RunningGateway;
  close(): Promise<void>;
}

async function start(metrics: boolean, latencyQueueLabels?: number): Promise<Running> {
  const telemetry: ProcessTelemetry = startProcessTelemetry(metrics
    ? { serviceName: 'pinlater-gateway', serviceInstanceId: 'test', metrics: true, tracesEndpoint: undefined, traceSampleRatio: 1, queueDepthIntervalMs: 1000, ...(latencyQueueLabels === undefined ? {} : { latencyQueueLabels }) }
    : telemetryOff('pinlater-gateway'));
  const stats = new InstrumentedStats();
  const gatewayTelemetry = gatewayTelemetryOf(telemetry, stats);
  const settings = { ...DEFAULT_LEGACY_SETTINGS, monitor: { ...DEFAULT_LEGACY_SETTINGS.monitor, enabled: false } };
  const backend = await buildBackend({
    kind: 'legacy-redis', backendConfig: { shards: shards.map((name) => ({ name, shardConfig: { master: { host: '127.0.0.1', port: 6379 }, dequeueOnly: false } })) },
    backendConfigPath: '', settings, logger: silentLogger(), stats, clock: { nowMs: () => Date.now() }, telemetry: { instruments: gatewayTelemetry.instruments, system: 'redis-a' },
  });
  const gateway = await startGateway({
    host: '127.0.0.1', thriftPort: 0, adminPort: 0, maxFrameBytes: 1024 * 1024, idleTimeoutMs: 60_000, maxConcurrentRequests: 100, shutdownGraceMs: 2000,
    dequeueConcurrencyPerQueuePerShard: 4, adminPasswordHash: undefined, hostname: 'testhost', queueListRefreshMs: 500,
  }, { backend, rateLimiter: { allowDequeue: () => true }, stats, clock: { nowMs: () => Date.now() }, logger: silentLogger(), telemetry: gatewayTelemetry });
  return {
    gateway,
    close: async () => {
      await gateway.close();
      await backend.close();
      await telemetry.close();
    },
  };
}

function fetchText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** The value of the first sample line of `series` whose labels include every one of `labels`. */
function sample(text: string, series: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${series}{`) && !line.startsWith(`${series} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

afterAll(async () => {
  await releaseNamespace(redisKeysNamespace(shards.flatMap(shardKeyPatterns)));
});
afterAll(assertNoLeaks);

it('serves the catalogue\'s gateway metrics on /metrics, with bounded labels', async () => {
  const running = await start(true);
  const client = await ConformanceClient.connect({ host: '127.0.0.1', port: running.gateway.thriftPort }, 'metricsclient');
  try {
    await client.createQueue(QUEUE);
    await client.enqueue(QUEUE, [{ body: 'a' }, { body: 'b' }, { body: 'c', priority: 2 }]);
    const got = await client.dequeue({ queue: QUEUE, limit: 2 });
    const descriptors = Object.keys(got.jobs ?? {});
    expect(descriptors).toHaveLength(2);
    await client.ack({ queue: QUEUE, succeeded: [{ descriptor: descriptors[0] as string }], failed: [{ descriptor: descriptors[1] as string, retryDelayMs: 60_000 }] });
    await expect(client.enqueue('no_such_queue_xyz', [{ body: 'x' }])).rejects.toThrow(/413|not found/i);

    const port = running.gateway.adminPort as number;
    const text = await eventually(async () => {
      const r = await fetchText(port, '/metrics');
      expect(r.status).toBe(200);
      // The depth sampler counts every second: the ready PENDING job of priority 2.
      expect(sample(r.body, prometheusName(METRICS.queueDepth), { messaging_destination_name: QUEUE, pinlater_job_state: 'PENDING', pinlater_job_priority: '2' })).toBe(1);
      return r.body;
    }, { timeoutMs: 10_000 });
    const rpc = `${prometheusName(METRICS.rpcServerDuration)}_count`;
    expect(sample(text, rpc, { rpc_method: 'PinLater/enqueueJobs', messaging_destination_name: QUEUE })).toBe(1);
    expect(sample(text, rpc, { rpc_method: 'PinLater/enqueueJobs', error_type: 'QUEUE_NOT_FOUND' })).toBe(1);
    expect(sample(text, prometheusName(METRICS.jobsEnqueued), { messaging_destination_name: QUEUE, pinlater_backend: 'redis-a' })).toBe(3);
    expect(sample(text, prometheusName(METRICS.jobsDequeued), { messaging_destination_name: QUEUE, pinlater_backend: 'redis-a' })).toBe(2);
    expect(sample(text, prometheusName(METRICS.jobsAcked), { pinlater_result: 'succeeded' })).toBe(1);
    expect(sample(text, prometheusName(METRICS.jobsAcked), { pinlater_result: 'failed' })).toBe(1);
    expect(sample(text, `${prometheusName(METRICS.backendOperationDuration)}_count`, { messaging_operation_name: 'dequeueJobs', pinlater_backend: 'redis-a' })).toBeGreaterThanOrEqual(1);
    // Buckets in seconds, from sub-millisecond up.
    expect(text).toContain(`${prometheusName(METRICS.rpcServerDuration)}_bucket{`);
    expect(text).toContain('le="0.0002"');
    // A made-up queue name never becomes a label value.
    expect(text).not.toContain('no_such_queue_xyz');
    expect(text).toContain('messaging_destination_name="other-queues"');
    // PinLater's /stats.txt is unchanged beside it.
    expect((await fetchText(port, '/stats.txt')).body).toContain(`${QUEUE}_enqueue`);
  } finally {
    await client.close();
    await running.close();
  }
});

it('gives only the first PINLATER_METRICS_LATENCY_QUEUES queues latency series of their own; counters keep every queue', async () => {
  const running = await start(true, 1);
  const client = await ConformanceClient.connect({ host: '127.0.0.1', port: running.gateway.thriftPort }, 'metricsbound');
  const second = `${QUEUE}_second`;
  try {
    await client.createQueue(QUEUE);
    await client.createQueue(second);
    await client.enqueue(QUEUE, [{ body: 'a' }]);
    await client.enqueue(second, [{ body: 'b' }]);
    const text = (await fetchText(running.gateway.adminPort as number, '/metrics')).body;
    const rpc = `${prometheusName(METRICS.rpcServerDuration)}_count`;
    const backend = `${prometheusName(METRICS.backendOperationDuration)}_count`;
    // createQueue of QUEUE took the one place; every call of the second queue is in other-queues.
    expect(sample(text, rpc, { rpc_method: 'PinLater/enqueueJobs', messaging_destination_name: QUEUE })).toBe(1);
    expect(sample(text, rpc, { rpc_method: 'PinLater/enqueueJobs', messaging_destination_name: 'other-queues' })).toBe(1);
    expect(sample(text, backend, { messaging_operation_name: 'enqueueJobs', messaging_destination_name: 'other-queues' })).toBe(1);
    expect(text).not.toMatch(new RegExp(`_(bucket|count|sum)\\{[^}]*messaging_destination_name="${second}"`));
    // The counters still have the second queue.
    expect(sample(text, prometheusName(METRICS.jobsEnqueued), { messaging_destination_name: second })).toBe(1);
  } finally {
    await client.close();
    await running.close();
  }
});

it('with metrics off, /metrics is 404 and the gateway still serves', async () => {
  const running = await start(false);
  const client = await ConformanceClient.connect({ host: '127.0.0.1', port: running.gateway.thriftPort }, 'metricsoff');
  try {
    expect(await client.queueNames()).toContain(QUEUE);
    expect((await fetchText(running.gateway.adminPort as number, '/metrics')).status).toBe(404);
  } finally {
    await client.close();
    await running.close();
  }
});
