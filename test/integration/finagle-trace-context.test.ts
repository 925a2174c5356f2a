/**
 * Finagle trace context (issue 12, FACTS §1.2): the in-process gateway, in front of the legacy
 * Redis backend on a fresh namespace, with tracing on (OTLP/HTTP to a receiver of the test's own).
 *
 * - A Finagle-style client over a raw socket: probe → REPLY UpgradeReply; every call then carries
 *   a RequestHeader and every reply an empty ResponseHeader; the gateway's `PinLater/<method>`
 *   server spans continue the caller's trace (its 64-bit trace id is the low half of the W3C trace
 *   id, its span id the parent) and record its client id; an unsampled caller is not traced.
 * - A plain client on the same port at the same time: unaffected, traced as a trace of its own.
 * - The fall-back path: a gateway with `acceptFinagleUpgrade: false` declines the probe with
 *   EXCEPTION UNKNOWN_METHOD and the client carries on in plain framed binary.
 */
import type { BinaryWriter } from '../../gateway/src/server/binary-writer';
import { BinaryReader } from '../../gateway/src/server/binary-reader';
import { callFrame } from '../../gateway/src/server/call-frame';
import { readMessageHeader } from '../../gateway/src/server/message-header';
import { StructCodec } from '../../gateway/src/server/struct-codec';
import type { ThriftServerOptions } from '../../gateway/src/server/thrift-server';
import { TType } from '../../gateway/src/codegen/idl-schema';
import { PINLATER_IDL } from '../../gateway/src/generated/pinlater-idl';
import { startGateway } from '../../gateway/src/gateway-process';
import type { GatewaySettings, RunningGateway } from '../../gateway/src/gateway-process';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { createLogger } from '../../core/src/logging/logger';
import { systemClock } from '../../core/src/util/clock';
import { startProcessTelemetry, type ProcessTelemetry } from '../../core/src/telemetry/process-telemetry';
import { createLegacyRedisBackend } from '../../legacy-adapter';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { legacyOptions, legacySettings } from '../conformance/backends/legacy-settings';
import { ConformanceClient, JobState } from '../conformance/harness/conformance-client';
import { assertNoLeaks } from '../support/leak-check';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { OtlpSpanKind, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { testLogLevel } from '../support/test-env';
import { FINAGLE_PROBE_FRAME, stripResponseHeader, ttwitterFrame, type RequestHeaderSpec } from '../support/ttwitter-frames';
import { RawClient } from './support/gateway-harness';

const PROBE = '__can__finagle__trace__v3__';
const MSG = { REPLY: 2, EXCEPTION: 3 } as const;
const codec = new StructCodec(PINLATER_IDL);

/** What the PinLater Java client sends on an upgraded connection (FACTS §1.2: ClientId "pinlaterclient"). */
const FINAGLE: RequestHeaderSpec = { traceId: 0x1234567890abcdefn, spanId: 0x0badc0ffee0ddf00n, parentSpanId: 0x1111111111111111n, sampled: true, clientId: 'pinlaterclient' };
const hex16 = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');

// ------------------------------------------------------------------ hand-built calls and replies
const context = (w: BinaryWriter): void => {
  w.writeFieldBegin(TType.STRUCT, 1);
  w.writeFieldBegin(TType.STRING, 1);
  w.writeString('finagle-it');
  w.writeFieldStop();
};
const createQueueCall = (seqid: number, name: string): Buffer =>
  callFrame('createQueue', seqid, (w) => {
    context(w);
    w.writeFieldBegin(TType.STRING, 2);
    w.writeString(name);
    w.writeFieldStop();
  });
const enqueueCall = (seqid: number, queue: string, bodies: string[]): Buffer =>
  callFrame('enqueueJobs', seqid, (w) => {
    context(w);
    w.writeFieldBegin(TType.STRUCT, 2);
    w.writeFieldBegin(TType.STRING, 1);
    w.writeString(queue);
    w.writeFieldBegin(TType.LIST, 2);
    w.writeListBegin(TType.STRUCT, bodies.length);
    for (const body of bodies) {
      w.writeFieldBegin(TType.STRING, 1);
      w.writeBinary(Buffer.from(body));
      w.writeFieldStop();
    }
    w.writeFieldStop();
    w.writeFieldStop();
  });
const queueNamesCall = (seqid: number): Buffer =>
  callFrame('getQueueNames', seqid, (w) => {
    context(w);
    w.writeFieldStop();
  });
const lookupNothingCall = (seqid: number): Buffer =>
  callFrame('lookupJobs', seqid, (w) => {
    context(w);
    w.writeFieldBegin(TType.STRUCT, 2);
    w.writeFieldBegin(TType.LIST, 1);
    w.writeListBegin(TType.STRING, 0);
    w.writeFieldStop();
    w.writeFieldStop();
  });

interface Reply {
  name: string;
  type: number;
  seqid: number;
  /** The result struct's first field (id and value), or undefined for a void success. */
  field: { id: number; value: unknown } | undefined;
}

/** Reads a reply message body: header, then `<method>_result`'s one field decoded per the IDL. */
function readReply(body: Buffer): Reply {
  const r = new BinaryReader(body);
  const { name, type, seqid } = readMessageHeader(r);
  if (type === MSG.EXCEPTION) {
    r.readFieldBegin();
    const message = r.readString();
    r.readFieldBegin();
    return { name, type, seqid, field: { id: r.readI32(), value: message } };
  }
  const f = r.readFieldBegin();
  if (f.type === TType.STOP) return { name, type, seqid, field: undefined };
  if (f.id === 1) return { name, type, seqid, field: { id: 1, value: codec.decodeStruct(r, 'PinLaterException') } };
  if (name === 'enqueueJobs') return { name, type, seqid, field: { id: 0, value: codec.decodeStruct(r, 'PinLaterEnqueueResponse') } };
  if (name !== 'getQueueNames') return { name, type, seqid, field: { id: f.id, value: undefined } };
  const { size } = r.readListBegin();
  return { name, type, seqid, field: { id: 0, value: Array.from({ length: size }, () => r.readString()) } };
}

/** A Finagle ThriftClientFramedCodec connection over a raw socket. */
class FinagleStyleClient {
  private constructor(readonly raw: RawClient) {}

  static async open(port: number): Promise<FinagleStyleClient> {
    return new FinagleStyleClient(await RawClient.open(port));
  }

  /** Sends the probe; the reply's message header (FACTS §1.2: the client only looks at its type). */
  async probe(): Promise<Reply> {
    this.raw.write(FINAGLE_PROBE_FRAME);
    const [reply] = await this.raw.replies(1);
    return readReply(reply as Buffer);
  }

  /** One call on the upgraded connection: RequestHeader + message out, ResponseHeader + reply back. */
  async call(header: RequestHeaderSpec, plainFrame: Buffer): Promise<Reply> {
    this.raw.write(ttwitterFrame(header, plainFrame));
    const [reply] = await this.raw.replies(1);
    return readReply(stripResponseHeader(reply as Buffer));
  }

  /** One call in plain framed binary (after a declined probe). */
  async plainCall(frame: Buffer): Promise<Reply> {
    this.raw.write(frame);
    const [reply] = await this.raw.replies(1);
    return readReply(reply as Buffer);
  }

  close(): Promise<void> {
    return this.raw.close();
  }
}

// ------------------------------------------------------------------ the system under test
const shardBase = uniqueShardBase();
const shards = [`${shardBase}a`, `${shardBase}b`];
let receiver: OtlpReceiver;
let telemetry: ProcessTelemetry;
let backend: PinLaterBackend;
let gateway: RunningGateway;
let fallbackGateway: RunningGateway;
const closers: Array<() => Promise<unknown>> = [];

/** GatewaySettings reach the ThriftServer as they are (gateway-process.ts spreads them into its options). */
type SettingsWithUpgradeOption = GatewaySettings & Pick<ThriftServerOptions, 'acceptFinagleUpgrade'>;

function startTestGateway(acceptFinagleUpgrade: boolean | undefined): Promise<RunningGateway> {
  const settings: SettingsWithUpgradeOption = {
    host: '127.0.0.1', thriftPort: 0, maxFrameBytes: 1024 * 1024, idleTimeoutMs: 60_000, maxConcurrentRequests: 100,
    shutdownGraceMs: 2000, dequeueConcurrencyPerQueuePerShard: 4, adminPasswordHash: undefined, hostname: 'testhost',
    ...(acceptFinagleUpgrade === undefined ? {} : { acceptFinagleUpgrade }),
  };
  return startGateway(settings, {
    backend, rateLimiter: { allowDequeue: () => true }, stats: new MemoryStats(), clock: systemClock,
    logger: createLogger({ name: 'finagle-trace-context', level: testLogLevel() }),
  });
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  telemetry = startProcessTelemetry({ serviceName: 'pinlater-gateway', serviceInstanceId: 't', metrics: false, tracesEndpoint: receiver.url, traceSampleRatio: 1, queueDepthIntervalMs: 15_000 });
  const ns = { label: 'finagle-trace-context', monitor: {} };
  backend = await createLegacyRedisBackend(legacyOptions(ns, redisBackendConfig(shards, []), legacySettings(ns)));
  gateway = await startTestGateway(undefined);
  fallbackGateway = await startTestGateway(false);
});

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await fallbackGateway?.close();
  await gateway?.close();
  await backend?.close();
  await telemetry?.close();
  await receiver?.close();
  await releaseNamespace(redisKeysNamespace(shards.flatMap(redisShardKeyPatterns)));
});
afterAll(assertNoLeaks);

async function finagleClient(port: number): Promise<FinagleStyleClient> {
  const c = await FinagleStyleClient.open(port);
  closers.push(() => c.close());
  return c;
}

async function plainClient(port: number): Promise<ConformanceClient> {
  const c = await ConformanceClient.connect({ host: '127.0.0.1', port }, 'plain-it');
  closers.push(() => c.close());
  return c;
}

const serverSpans = (spans: ReceivedSpan[], method: string): ReceivedSpan[] => spans.filter((s) => s.name === `PinLater/${method}` && s.kind === OtlpSpanKind.SERVER);

// ------------------------------------------------------------------ tests
it('a Finagle client: probe accepted, TTwitter calls answered, server spans continue its trace', async () => {
  const c = await finagleClient(gateway.thriftPort);
  expect(await c.probe()).toEqual({ name: PROBE, type: MSG.REPLY, seqid: 0, field: undefined });

  // An unsampled caller first: its call is served but not traced.
  const unsampled = { ...FINAGLE, traceId: 0x7777777777777777n, sampled: false };
  expect((await c.call(unsampled, queueNamesCall(1))).type).toBe(MSG.REPLY);

  expect(await c.call(FINAGLE, createQueueCall(-559038737, 'finagle_q'))).toEqual({ name: 'createQueue', type: MSG.REPLY, seqid: -559038737, field: undefined });
  const enqueued = await c.call({ ...FINAGLE, spanId: 0x2222222222222222n }, enqueueCall(2147483647, 'finagle_q', ['a', 'b']));
  expect(enqueued).toMatchObject({ name: 'enqueueJobs', type: MSG.REPLY, seqid: 2147483647, field: { id: 0 } });
  expect((enqueued.field?.value as { jobDescriptors: string[] }).jobDescriptors).toEqual([expect.stringMatching(/^finagle_q:s/), expect.stringMatching(/^finagle_q:s/)]);
  const failed = await c.call({ ...FINAGLE, spanId: 0x3333333333333333n }, enqueueCall(-2147483648, 'no_such_queue', ['x']));
  expect(failed).toMatchObject({ name: 'enqueueJobs', type: MSG.REPLY, seqid: -2147483648, field: { id: 1, value: { errorCode: 413 } } });
  const names = await c.call({ ...FINAGLE, spanId: 0x4444444444444444n }, queueNamesCall(7));
  expect(names).toMatchObject({ name: 'getQueueNames', type: MSG.REPLY, seqid: 7 });
  expect(names.field?.value).toContain('finagle_q');

  const spans = await receiver.waitForSpans((all) => all.filter((s) => s.traceId.endsWith(hex16(FINAGLE.traceId)) && s.kind === OtlpSpanKind.SERVER).length >= 4);
  const inTrace = spans.filter((s) => s.traceId === `${'0'.repeat(16)}${hex16(FINAGLE.traceId)}`);
  const [create] = serverSpans(inTrace, 'createQueue');
  expect(create).toMatchObject({
    serviceName: 'pinlater-gateway',
    parentSpanId: hex16(FINAGLE.spanId),
    statusCode: 0,
    attributes: {
      'rpc.system.name': 'pinlater',
      'rpc.method': 'PinLater/createQueue',
      'messaging.client.id': 'pinlaterclient',
      'pinlater.finagle.trace_id': '1234567890abcdef',
    },
  });
  expect(create?.spanId).toMatch(/^[0-9a-f]{16}$/);
  expect(create?.spanId).not.toBe(hex16(FINAGLE.spanId));
  const enqueueSpans = serverSpans(inTrace, 'enqueueJobs');
  expect(enqueueSpans.map((s) => s.parentSpanId).sort()).toEqual(['2222222222222222', '3333333333333333']);
  const failedSpan = enqueueSpans.find((s) => s.parentSpanId === '3333333333333333');
  expect(failedSpan).toMatchObject({ statusCode: 2, attributes: { 'error.type': 'QUEUE_NOT_FOUND' } });
  expect(serverSpans(inTrace, 'getQueueNames')).toHaveLength(1);
  // The unsampled call ended before the sampled ones, so it would have been exported by now.
  expect(receiver.spans().filter((s) => s.traceId.endsWith('7777777777777777'))).toEqual([]);
});

it('a plain client on the same port works at the same time, traced as a trace of its own', async () => {
  const finagle = await finagleClient(gateway.thriftPort);
  expect((await finagle.probe()).type).toBe(MSG.REPLY);
  const plain = await plainClient(gateway.thriftPort);
  const header = { ...FINAGLE, traceId: 0x5555555555555555n, clientId: 'second-client' };

  // Interleaved on two open connections: plain, TTwitter, plain, TTwitter.
  await plain.createQueue('plain_q');
  expect((await finagle.call(header, createQueueCall(1, 'mixed_q'))).type).toBe(MSG.REPLY);
  expect(await plain.enqueue('mixed_q', [{ body: 'from plain' }])).toHaveLength(1);
  expect((await finagle.call(header, enqueueCall(2, 'plain_q', ['from finagle']))).field?.id).toBe(0);
  expect(await plain.count({ queue: 'plain_q', state: JobState.PENDING })).toBe(1);
  expect(await plain.queueNames()).toEqual(expect.arrayContaining(['plain_q', 'mixed_q']));

  const spans = await receiver.waitForSpans((all) => serverSpans(all, 'getJobCount').length > 0 && all.filter((s) => s.traceId.endsWith('5555555555555555')).length >= 2);
  const [count] = serverSpans(spans, 'getJobCount');
  expect(count).toMatchObject({ parentSpanId: undefined, attributes: { 'rpc.system.name': 'pinlater', 'rpc.method': 'PinLater/getJobCount' } });
  expect(count?.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(count?.attributes).not.toHaveProperty('messaging.client.id');
  expect(count?.attributes).not.toHaveProperty('pinlater.finagle.trace_id');
  const finagleSpans = spans.filter((s) => s.traceId.endsWith('5555555555555555') && s.kind === OtlpSpanKind.SERVER);
  expect(finagleSpans.map((s) => s.attributes['messaging.client.id'])).toEqual(['second-client', 'second-client']);
});

it('with acceptFinagleUpgrade false the probe is declined (UNKNOWN_METHOD) and the client stays plain', async () => {
  const c = await finagleClient(fallbackGateway.thriftPort);
  expect(await c.probe()).toEqual({ name: PROBE, type: MSG.EXCEPTION, seqid: 0, field: { id: 1, value: `Invalid method name: '${PROBE}'` } });
  // The Finagle client falls back to plain framed binary on the same connection.
  expect(await c.plainCall(createQueueCall(-5, 'fallback_q'))).toEqual({ name: 'createQueue', type: MSG.REPLY, seqid: -5, field: undefined });
  const names = await c.plainCall(queueNamesCall(6));
  expect(names).toMatchObject({ name: 'getQueueNames', type: MSG.REPLY, seqid: 6 });
  expect(names.field?.value).toContain('fallback_q');
  expect(await c.plainCall(lookupNothingCall(8))).toEqual({ name: 'lookupJobs', type: MSG.REPLY, seqid: 8, field: { id: 0, value: undefined } });
  const plain = await plainClient(fallbackGateway.thriftPort);
  expect(await plain.queueNames()).toContain('fallback_q');

  // Its calls are traced as plain calls: no Finagle parent, no client id (lookupJobs: only this test calls it).
  const spans = await receiver.waitForSpans((all) => serverSpans(all, 'lookupJobs').length > 0);
  expect(serverSpans(spans, 'lookupJobs')).toEqual([
    expect.objectContaining({ parentSpanId: undefined, attributes: { 'rpc.system.name': 'pinlater', 'rpc.method': 'PinLater/lookupJobs' } }),
  ]);
});
