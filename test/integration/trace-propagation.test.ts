/**
 * Trace propagation (issue 12) on the real services: a gateway-side call through a Pacer backend
 * whose dequeues cross a real Thrift RPC to a dequeue broker, and through a legacy Redis backend,
 * each wrapped in the gateway's InstrumentedBackend, inside a root span standing for the PinLater
 * RPC. The spans reach a test OTLP/HTTP receiver and must form one trace:
 *
 *   PinLater/dequeueJobs (SERVER) → backend dequeueJobs (INTERNAL, pinlater.backend pacer)
 *     → PacerBroker/dequeue client (CLIENT) → PacerBroker/dequeue (SERVER) → mysql …
 *
 * The broker's SERVER span is started in the Thrift server's socket callback, whose async context
 * is the server's, never the caller's: its parent can only come from the `traceparent` field the
 * client puts in the broker request. With tracing never started, the same calls run with no span,
 * no traceparent and nothing exported.
 *
 * The traced half runs in its own node process (fixtures/trace-workload.ts): the OTLP/HTTP
 * exporter cannot send from inside jest's VM (a dynamic `import('http')`, refused without
 * `--experimental-vm-modules`, open-telemetry/opentelemetry-js#6035). This file owns the
 * namespaces and the receiver and asserts on what that process exported.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { metrics } from '@opentelemetry/api';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { silentLogger } from '../../core/src/logging/logger';
import { SPANS } from '../../core/src/telemetry/telemetry-catalogue';
import { inSpan, traceparentOf, tracingActive } from '../../core/src/telemetry/tracing';
import { DEFAULT_LEGACY_SETTINGS } from '../../core/src/types/legacy-backend-options';
import { systemClock } from '../../core/src/util/clock';
import { GatewayInstruments } from '../../gateway/src/telemetry/gateway-instruments';
import { InstrumentedBackend } from '../../gateway/src/telemetry/instrumented-backend';
import { createLegacyRedisBackend } from '../../legacy-adapter';
import { shardKeyPatterns } from '../../legacy-adapter/src/redis/keys';
import { BrokerServer, createConfiguredPacerBackend, createDequeueBroker, type DequeueBroker, type PacerBackend } from '../../pacer';
import { eventually } from '../support/eventually';
import { claimSpanNames } from '../support/claim-trace';
import { assertNoLeaks } from '../support/leak-check';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { OtlpSpanKind, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { testEnv } from '../support/test-env';
import { RESULT_PREFIX, type TraceWorkloadArgs, type TraceWorkloadResult } from './fixtures/trace-workload';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

const CONTEXT = { numPriorityLevels: 3, monitor: {}, logger: silentLogger(), stats: new MemoryStats(), clock: systemClock };
const shard = uniqueShardBase();

let receiver: OtlpReceiver;
let fx: PacerDb;
let broker: DequeueBroker;
let server: BrokerServer;
let pacer: PacerBackend;
let redis: PinLaterBackend;

beforeAll(async () => {
  [receiver, fx] = await Promise.all([startOtlpReceiver(), freshPacerDb()]);
  broker = createDequeueBroker({ brokerId: 'trace-off', mysql: fx.mysql, safetySweepMs: 0, monitor: { enabled: false } });
  server = await BrokerServer.listen(broker, '127.0.0.1', 0, silentLogger());
  pacer = await createConfiguredPacerBackend({ mode: 'static', mysql: fx.mysql, defaultPartitions: 1, brokers: { fallback: `127.0.0.1:${server.port}` } }, CONTEXT);
  const { host, port } = testEnv().redis;
  redis = await createLegacyRedisBackend({
    backendConfig: { shards: [{ name: shard, shardConfig: { master: { host, port }, dequeueOnly: false } }] },
    settings: { ...DEFAULT_LEGACY_SETTINGS, monitor: { ...DEFAULT_LEGACY_SETTINGS.monitor, enabled: false } },
    logger: silentLogger(),
    stats: new MemoryStats(),
    clock: systemClock,
  });
});
afterAll(async () => {
  await redis?.close();
  await pacer?.close();
  await server?.close();
  await broker?.close();
  await receiver?.close();
  await fx?.db.drop();
  await releaseNamespace(redisKeysNamespace(shardKeyPatterns(shard)));
});
afterAll(assertNoLeaks);

/** The gateway's wrapping of one system's backend (backend-registry.ts), with telemetry off. */
function instrumented(backend: PinLaterBackend, system: string): InstrumentedBackend {
  return new InstrumentedBackend(backend, system, new GatewayInstruments(metrics.getMeter('pinlater'), (queue) => queue));
}

function bufferedOf(queue: string): number {
  return broker.partitions().find((p) => p.queue === queue)?.buffered ?? 0;
}

function named(spans: ReceivedSpan[], name: string): ReceivedSpan[] {
  return spans.filter((s) => s.name === name);
}

function only(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = named(spans, name);
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0] as ReceivedSpan;
}

const WORKLOAD = join(__dirname, 'fixtures', 'trace-workload.ts');
const WORKLOAD_TIMEOUT_MS = 60_000;

/** Runs fixtures/trace-workload.ts as its own node process; resolves with its result line. */
function runWorkload(args: TraceWorkloadArgs): Promise<TraceWorkloadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKLOAD, JSON.stringify(args)], { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKLOAD_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const line = output.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) reject(new Error(`trace workload exited (${code ?? signal}):\n${output.slice(-4000)}`));
      else resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as TraceWorkloadResult);
    });
  });
}

const OFF_PACER_QUEUE = 'trace_off_pacer';
const OFF_REDIS_QUEUE = 'trace_off_redis';

describe('tracing never started', () => {
  it('inSpan runs the work with no span and no traceparent, and nothing is exported', async () => {
    expect(tracingActive()).toBe(false);
    const pacerOff = instrumented(pacer, 'pacer');
    const redisOff = instrumented(redis, 'redis-a');
    await pacer.createQueue(OFF_PACER_QUEUE);
    await broker.assign(OFF_PACER_QUEUE, 0);
    await redisOff.createQueue(OFF_REDIS_QUEUE);
    const bodies = await inSpan(SPANS.rpcServer, { parts: { method: 'dequeueJobs' } }, async (span, ctx) => {
      expect({ span, ctx }).toEqual({ span: undefined, ctx: undefined });
      await pacerOff.enqueueJobs({ queue: OFF_PACER_QUEUE, jobs: [job('off-p')] });
      await redisOff.enqueueJobs({ queue: OFF_REDIS_QUEUE, jobs: [job('off-r')] });
      await eventually(() => expect(bufferedOf(OFF_PACER_QUEUE)).toBe(1));
      const dequeued = await pacerOff.dequeueJobs(dequeueReq(OFF_PACER_QUEUE, 1));
      expect(traceparentOf(ctx)).toBeUndefined();
      return dequeued.jobs.map((j) => j.body.toString());
    });
    expect(bodies).toEqual(['off-p']);
    // No provider, no exporter: the receiver has had nothing (the traced tests below also check
    // that nothing they received carries these queues).
    expect(receiver.spans()).toEqual([]);
  });
});

describe('tracing on (the workload process)', () => {
  const PACER_QUEUE = 'trace_pacer';
  const REDIS_QUEUE = 'trace_redis';
  let result: TraceWorkloadResult;

  beforeAll(async () => {
    const { host, port } = testEnv().redis;
    result = await runWorkload({ tracesEndpoint: receiver.url, mysql: fx.mysql, redis: { host, port, shard }, pacerQueue: PACER_QUEUE, redisQueue: REDIS_QUEUE });
  });
  afterEach(() => {
    const queues = receiver.spans().map((s) => s.attributes['messaging.destination.name']);
    expect(queues).not.toContain(OFF_PACER_QUEUE);
    expect(queues).not.toContain(OFF_REDIS_QUEUE);
    expect(receiver.rejected).toBe(0);
  });

  it('gateway → Pacer broker: one trace across the real Thrift RPC, the broker span a child of the client span', async () => {
    const traceId = result.pacerTraceId;
    expect(result.pacerBodies).toEqual(['traced']);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const inTrace = (spans: ReceivedSpan[]) => spans.filter((s) => s.traceId === traceId);
    const spans = inTrace(await receiver.waitForSpans((all) => {
      const t = inTrace(all);
      return ['PinLater/dequeueJobs', 'backend dequeueJobs', 'PacerBroker/dequeue client', 'PacerBroker/dequeue'].every((n) => named(t, n).length > 0)
        && claimSpanNames().every((n) => named(t, n).length > 0);
    }));

    const root = only(spans, 'PinLater/dequeueJobs');
    expect(root).toMatchObject({ kind: OtlpSpanKind.SERVER, parentSpanId: undefined, serviceName: 'pinlater-gateway' });
    const operation = only(spans, 'backend dequeueJobs');
    expect(operation).toMatchObject({ kind: OtlpSpanKind.INTERNAL, parentSpanId: root.spanId });
    expect(operation.attributes).toMatchObject({ 'pinlater.backend': 'pacer', 'messaging.operation.name': 'dequeueJobs', 'messaging.destination.name': PACER_QUEUE });
    const client = only(spans, 'PacerBroker/dequeue client');
    expect(client).toMatchObject({ kind: OtlpSpanKind.CLIENT, parentSpanId: operation.spanId });
    const brokerSpan = only(spans, 'PacerBroker/dequeue');
    expect(brokerSpan).toMatchObject({ kind: OtlpSpanKind.SERVER, traceId, parentSpanId: client.spanId });
    expect(brokerSpan.attributes).toMatchObject({ 'rpc.method': 'PacerBroker/dequeue', 'messaging.destination.name': PACER_QUEUE });
    // The claim's MySQL work, one summary span under the broker's span (claim-trace.ts: its name in this claim mode).
    for (const name of claimSpanNames()) {
      expect(named(spans, name).filter((s) => s.parentSpanId === brokerSpan.spanId)).toEqual([
        expect.objectContaining({ kind: OtlpSpanKind.CLIENT, attributes: expect.objectContaining({ 'db.system.name': 'mysql' }) }),
      ]);
    }
    // The enqueue is in the same trace, under its own backend span.
    expect(only(spans, 'backend enqueueJobs')).toMatchObject({ parentSpanId: root.spanId });
  });

  it('legacy Redis: backend enqueueJobs with the Redis command it sends as a child span', async () => {
    const traceId = result.redisTraceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const inTrace = (spans: ReceivedSpan[]) => spans.filter((s) => s.traceId === traceId);
    const spans = inTrace(await receiver.waitForSpans((all) => {
      const t = inTrace(all);
      return named(t, 'PinLater/enqueueJobs').length > 0 && named(t, 'backend enqueueJobs').length > 0 && t.some((s) => s.name.startsWith('redis '));
    }));

    const root = only(spans, 'PinLater/enqueueJobs');
    expect(root).toMatchObject({ kind: OtlpSpanKind.SERVER, parentSpanId: undefined });
    const operation = only(spans, 'backend enqueueJobs');
    expect(operation).toMatchObject({ kind: OtlpSpanKind.INTERNAL, parentSpanId: root.spanId });
    expect(operation.attributes).toMatchObject({ 'pinlater.backend': 'redis-a', 'messaging.destination.name': REDIS_QUEUE });
    const commands = spans.filter((s) => s.name.startsWith('redis '));
    // The enqueue is one Lua script call: EVALSHA (then EVAL when Redis did not have the script).
    expect(commands.map((s) => s.name)).toContain('redis evalsha');
    for (const command of commands) {
      expect(command).toMatchObject({ kind: OtlpSpanKind.CLIENT, parentSpanId: operation.spanId });
      expect(command.attributes).toMatchObject({ 'db.system.name': 'redis' });
    }
  });
});
