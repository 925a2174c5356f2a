/**
 * One trace across real processes (issue 12, "Traces" and "Logs"): a Pacer broker process
 * (`pacer/src/broker/main.ts`, static topology, `--assign all`) and a gateway process over Pacer
 * (`gateway/src/main.ts --backend pacer`), both started with OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * naming this file's OTLP/HTTP receiver (the broker also with PINLATER_TRACE_STORE_WORK=commands:
 * a span per SQL statement), on a fresh migrated Pacer database.
 *
 * A Finagle-style client (a raw socket speaking TTwitter: the upgrade probe, then every call
 * preceded by a RequestHeader, test/support/ttwitter-frames.ts) dequeues a job a plain client
 * enqueued. What the two processes export must be one trace, continuing the caller's:
 *
 *   [Finagle caller span] → PinLater/dequeueJobs (SERVER, pinlater-gateway)
 *     → backend dequeueJobs → PacerBroker/dequeue client (CLIENT)
 *       → PacerBroker/dequeue (SERVER, pacer-broker) → mysql UPDATE (the claim) …
 *
 * The broker's span can only join through the `traceparent` the gateway puts in the broker
 * request (two processes share no context). The gateway's log lines are pino JSON on its stdout:
 * a line written inside a span (the `internal error` of a dequeue with limit 0, logged inside the
 * server span) carries that span's trace_id and span_id; lines outside spans carry neither.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TType } from '../../gateway/src/codegen/idl-schema';
import { PINLATER_IDL } from '../../gateway/src/generated/pinlater-idl';
import { BinaryReader } from '../../gateway/src/server/binary-reader';
import type { BinaryWriter } from '../../gateway/src/server/binary-writer';
import { callFrame } from '../../gateway/src/server/call-frame';
import { readMessageHeader } from '../../gateway/src/server/message-header';
import { StructCodec } from '../../gateway/src/server/struct-codec';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { claimSpanNames } from '../support/claim-trace';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { OtlpSpanKind, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { ClusterProcess } from '../support/pacer-processes';
import { writeShippedProperties } from '../support/shipped-properties';
import { FINAGLE_PROBE_FRAME, stripResponseHeader, ttwitterFrame, type RequestHeaderSpec } from '../support/ttwitter-frames';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';
import { RawClient } from './support/gateway-harness';

const ROOT = join(__dirname, '..', '..');
const QUEUE = 'xproc_q';
const START_TIMEOUT_MS = 90_000;
const SPANS_TIMEOUT_MS = 30_000;
const MSG = { REPLY: 2, EXCEPTION: 3 } as const;
const codec = new StructCodec(PINLATER_IDL);

/** The Finagle caller: its trace id (64 bits) and, per call, the id of its client span. */
const FINAGLE_TRACE_ID = 0x5eedfacecafe1234n;
const hex16 = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');
/** The W3C trace id the gateway continues: the Finagle id is its low half. */
const W3C_TRACE_ID = `${'0'.repeat(16)}${hex16(FINAGLE_TRACE_ID)}`;
const header = (spanId: bigint): RequestHeaderSpec => ({ traceId: FINAGLE_TRACE_ID, spanId, parentSpanId: 0x0fedcba987654321n, sampled: true, clientId: 'xproc-client' });

// ------------------------------------------------------------------ the Finagle-style client
const dequeueCall = (seqid: number, queue: string, limit: number): Buffer =>
  callFrame('dequeueJobs', seqid, (w: BinaryWriter) => {
    w.writeFieldBegin(TType.STRUCT, 1);
    w.writeFieldBegin(TType.STRING, 1);
    w.writeString('xproc-it');
    w.writeFieldStop();
    w.writeFieldBegin(TType.STRUCT, 2);
    w.writeFieldBegin(TType.STRING, 1);
    w.writeString(queue);
    w.writeFieldBegin(TType.I32, 2);
    w.writeI32(limit);
    w.writeFieldStop();
    w.writeFieldStop();
  });

interface Reply {
  readonly type: number;
  /** REPLY: the dequeued jobs' bodies; EXCEPTION: none. */
  readonly bodies: string[];
}

function readReply(body: Buffer): Reply {
  const r = new BinaryReader(body);
  const { type } = readMessageHeader(r);
  if (type !== MSG.REPLY) return { type, bodies: [] };
  const f = r.readFieldBegin();
  if (f.id !== 0) throw new Error(`dequeueJobs answered with result field ${f.id} (an exception)`);
  const response = codec.decodeStruct(r, 'PinLaterDequeueResponse');
  const jobs = (response.jobs as Map<string, Buffer> | undefined) ?? new Map<string, Buffer>();
  return { type, bodies: [...jobs.values()].map((b) => Buffer.from(b).toString()) };
}

class FinagleStyleClient {
  private seqid = 0;
  private constructor(private readonly raw: RawClient) {}

  static async open(port: number): Promise<FinagleStyleClient> {
    return new FinagleStyleClient(await RawClient.open(port));
  }

  /** The probe; resolves with the reply's message type (REPLY: upgraded). */
  async probe(): Promise<number> {
    this.raw.write(FINAGLE_PROBE_FRAME);
    const [reply] = await this.raw.replies(1);
    return readMessageHeader(new BinaryReader(reply as Buffer)).type;
  }

  async dequeue(spanId: bigint, queue: string, limit: number): Promise<Reply> {
    this.raw.write(ttwitterFrame(header(spanId), dequeueCall(++this.seqid, queue, limit)));
    const [reply] = await this.raw.replies(1, 15_000);
    return readReply(stripResponseHeader(reply as Buffer));
  }

  close(): Promise<void> {
    return this.raw.close();
  }
}

// ------------------------------------------------------------------ the processes
let receiver: OtlpReceiver;
let fx: PacerDb;
let dir: string;
let broker: ClusterProcess | undefined;
let gateway: ClusterProcess | undefined;
let gatewayPort: number;

/** `node --import tsx <entry>` with only what a process needs from this one's environment, plus `env`. */
function startProcess(name: string, entry: string, args: readonly string[], env: Record<string, string>): ClusterProcess {
  const { PATH, HOME, TMPDIR } = process.env;
  const base = { ...(PATH === undefined ? {} : { PATH }), ...(HOME === undefined ? {} : { HOME }), ...(TMPDIR === undefined ? {} : { TMPDIR }) };
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...base, ...env } });
  return new ClusterProcess(name, child);
}

async function kill9(p: ClusterProcess | undefined): Promise<void> {
  if (p?.running !== true) return;
  p.signal('SIGKILL');
  await p.exited();
}

beforeAll(async () => {
  [receiver, fx] = await Promise.all([startOtlpReceiver(), freshPacerDb()]);
  dir = mkdtempSync(join(tmpdir(), 'trace-across-processes-'));
  const [brokerPort, adminPort] = [await freePort(), await freePort()];
  gatewayPort = await freePort();
  const telemetryEnv = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url };
  writeFileSync(join(dir, 'pacer.json'), JSON.stringify({
    mode: 'static', mysql: { ...fx.mysql, connectionLimit: 4 }, defaultPartitions: 1, brokers: { fallback: `127.0.0.1:${brokerPort}` },
  }));
  writeShippedProperties(join(dir, 'gateway.properties'), 'pacer.local.properties', {
    GATEWAY_HOST: '127.0.0.1', THRIFT_PORT: String(gatewayPort), OSTRICH_PORT: String(adminPort), SERVER_SET_ENABLED: 'false', GATEWAY_SHUTDOWN_GRACE_SECONDS: '1',
  }, ['QUEUE_CONFIG_FILE_PATH']);

  broker = startProcess('pacer-broker', 'pacer/src/broker/main.ts', [
    '--broker-id', 'xproc-broker', '--port', String(brokerPort), '--database', fx.db.name, '--assign', 'all', '--log-level', 'warn',
  ], { ...telemetryEnv, PINLATER_TRACE_STORE_WORK: 'commands' }); // a span per statement: the claim's UPDATE is one
  await broker.waitFor('listening on', START_TIMEOUT_MS);
  gateway = startProcess('pinlater-gateway', 'gateway/src/main.ts', [
    '--properties', join(dir, 'gateway.properties'), '--backend', 'pacer', '--backend-config', join(dir, 'pacer.json'), '--log-level', 'info',
  ], telemetryEnv);
  await gateway.waitFor('gateway listening', START_TIMEOUT_MS);
}, 2 * START_TIMEOUT_MS);

afterAll(async () => {
  await kill9(gateway);
  await kill9(broker);
  await receiver?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

/** The last lines of each process's output, for a failure message. */
function outputs(): string {
  return [broker, gateway].map((p) => (p === undefined ? '' : `${p.name}:\n${p.output.split('\n').slice(-30).join('\n')}`)).join('\n');
}

const inTrace = (spans: ReceivedSpan[]): ReceivedSpan[] => spans.filter((s) => s.traceId === W3C_TRACE_ID);
const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan | undefined, name: string): ReceivedSpan[] =>
  parent === undefined ? [] : spans.filter((s) => s.parentSpanId === parent.spanId && s.name === name);

/** Whether `span` descends from `ancestor` (following parent ids among `spans`). */
function descendsFrom(spans: ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let s: ReceivedSpan | undefined = span; s?.parentSpanId !== undefined; s = byId.get(s.parentSpanId)) {
    if (s.parentSpanId === ancestor.spanId) return true;
  }
  return false;
}

/** The spans of one Finagle call, from the gateway's server span (parent: the caller's span) down to the broker's MySQL work. */
function callChain(spans: ReceivedSpan[], callerSpanId: bigint): { server?: ReceivedSpan; backend?: ReceivedSpan; client?: ReceivedSpan; brokerSpan?: ReceivedSpan; mysql: ReceivedSpan[] } {
  const t = inTrace(spans);
  const server = t.find((s) => s.name === 'PinLater/dequeueJobs' && s.parentSpanId === hex16(callerSpanId));
  const backend = childrenOf(t, server, 'backend dequeueJobs')[0];
  const client = childrenOf(t, backend, 'PacerBroker/dequeue client')[0];
  const brokerSpan = childrenOf(t, client, 'PacerBroker/dequeue')[0];
  const mysql = brokerSpan === undefined ? [] : t.filter((s) => s.name.startsWith('mysql ') && descendsFrom(t, s, brokerSpan));
  return { server, backend, client, brokerSpan, mysql };
}

it('a Finagle caller\'s trace runs through the gateway process into the broker process and its MySQL claim', async () => {
  const plain = await ConformanceClient.connect({ host: '127.0.0.1', port: gatewayPort }, 'xproc-plain');
  const finagle = await FinagleStyleClient.open(gatewayPort);
  let callerSpanId = 0x0a00000000000000n;
  try {
    await plain.createQueue(QUEUE);
    expect(await plain.enqueue(QUEUE, [{ body: 'across' }])).toHaveLength(1);
    expect(await finagle.probe()).toBe(MSG.REPLY);
    // The broker picks the job up from its notification (or its first read); until then a dequeue
    // may answer empty. Every attempt is a new caller span; the one that got the job is checked.
    await eventually(async () => {
      callerSpanId += 1n;
      expect(await finagle.dequeue(callerSpanId, QUEUE, 1)).toEqual({ type: MSG.REPLY, bodies: ['across'] });
    }, { timeoutMs: 15_000, intervalMs: 200 });
  } finally {
    await finagle.close();
    await plain.close();
  }

  const spans = await receiver.waitForSpans((all) => {
    const c = callChain(all, callerSpanId);
    return c.brokerSpan !== undefined && c.mysql.length > 0;
  }, { timeoutMs: SPANS_TIMEOUT_MS }).catch((e: unknown) => {
    throw new Error(`${String(e)}\n${outputs()}`);
  });
  const { server, backend, client, brokerSpan, mysql } = callChain(spans, callerSpanId);

  // The gateway continued the Finagle trace: W3C trace id = 64 zero bits + the Finagle trace id, parent = the caller's span.
  expect(server).toMatchObject({
    serviceName: 'pinlater-gateway', kind: OtlpSpanKind.SERVER, traceId: W3C_TRACE_ID, parentSpanId: hex16(callerSpanId), statusCode: 0,
    attributes: { 'rpc.method': 'PinLater/dequeueJobs', 'messaging.client.id': 'xproc-client', 'pinlater.finagle.trace_id': hex16(FINAGLE_TRACE_ID) },
  });
  expect(backend).toMatchObject({ serviceName: 'pinlater-gateway', kind: OtlpSpanKind.INTERNAL, attributes: { 'pinlater.backend': 'pacer', 'messaging.destination.name': QUEUE } });
  expect(client).toMatchObject({ serviceName: 'pinlater-gateway', kind: OtlpSpanKind.CLIENT, attributes: { 'rpc.method': 'PacerBroker/dequeue' } });
  // The broker process's span joined the same trace, under the gateway's client span.
  expect(brokerSpan).toMatchObject({
    serviceName: 'pacer-broker', kind: OtlpSpanKind.SERVER, traceId: W3C_TRACE_ID, parentSpanId: client?.spanId,
    attributes: { 'rpc.method': 'PacerBroker/dequeue', 'messaging.destination.name': QUEUE },
  });
  // The job was handed out, so the broker claimed it in MySQL before replying inside that span
  // (claim-trace.ts names the claim's span in this claim mode); a refill read (SELECT) may be
  // there too, or may have happened earlier, from the enqueue's notification, in the enqueue's trace.
  for (const m of mysql) expect(m).toMatchObject({ serviceName: 'pacer-broker', kind: OtlpSpanKind.CLIENT, attributes: { 'db.system.name': 'mysql' } });
  expect(mysql.map((m) => m.name)).toEqual(expect.arrayContaining(claimSpanNames()));
  // Only the two processes exported, and every export was readable.
  expect(new Set(spans.map((s) => s.serviceName))).toEqual(new Set(['pinlater-gateway', 'pacer-broker']));
  expect(receiver.rejected).toBe(0);
});

it('a gateway log line written inside a span carries its trace_id and span_id; lines outside spans carry none', async () => {
  const finagle = await FinagleStyleClient.open(gatewayPort);
  const callerSpanId = 0x0e00000000000001n;
  try {
    expect(await finagle.probe()).toBe(MSG.REPLY);
    // limit 0: PinLater's IllegalArgumentException → TApplicationException INTERNAL_ERROR, logged
    // ('internal error') by the RPC processor inside the call's server span.
    expect(await finagle.dequeue(callerSpanId, QUEUE, 0)).toEqual({ type: MSG.EXCEPTION, bodies: [] });
  } finally {
    await finagle.close();
  }
  const [line] = await eventually(() => {
    const lines = gateway?.logLines('internal error') ?? [];
    expect(lines).toHaveLength(1);
    return lines;
  }, { timeoutMs: 10_000 });
  const spans = await receiver.waitForSpans((all) => inTrace(all).some((s) => s.parentSpanId === hex16(callerSpanId)), { timeoutMs: SPANS_TIMEOUT_MS });
  const server = inTrace(spans).find((s) => s.parentSpanId === hex16(callerSpanId));
  expect(server).toMatchObject({ name: 'PinLater/dequeueJobs', serviceName: 'pinlater-gateway', statusCode: 2, attributes: { 'error.type': 'INTERNAL_ERROR' } });
  expect(line).toMatchObject({ method: 'dequeueJobs', trace_id: W3C_TRACE_ID, span_id: server?.spanId });

  // Written with no span active: startup lines.
  const outside = ['gateway listening', 'telemetry'].flatMap((msg) => gateway?.logLines(msg) ?? []);
  expect(outside).toHaveLength(2);
  for (const l of outside) {
    expect(l).not.toHaveProperty('trace_id');
    expect(l).not.toHaveProperty('span_id');
  }
});
