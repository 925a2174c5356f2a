/**
 * A small OTLP/HTTP traces receiver for tests: a node:http server on a free 127.0.0.1 port that
 * accepts `POST /v1/traces` with an ExportTraceServiceRequest in OTLP's JSON encoding (what
 * @opentelemetry/exporter-trace-otlp-http sends: @opentelemetry/otlp-transformer JSON_ENCODER
 * writes trace and span ids as lowercase hex strings, timestamps as decimal strings, int attributes
 * as JSON numbers; gzip only when compression is configured) and answers 200 `{}`.
 *
 *   const receiver = await startOtlpReceiver();      // receiver.url → tracesEndpoint
 *   const [span] = await receiver.waitForSpans((s) => s.some((x) => x.name === 'PinLater/getQueueNames'));
 *   await receiver.close();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { eventually, type EventuallyOptions } from './eventually';

export type AttributeValue = string | number | boolean | null | AttributeValue[];

export interface ReceivedSpan {
  /** The `service.name` of the span's resource. */
  readonly serviceName: string | undefined;
  readonly traceId: string;
  readonly spanId: string;
  /** undefined for a root span. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** OTLP's numbering: 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly statusMessage: string | undefined;
}

export const OtlpSpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>/v1/traces`. */
  readonly url: string;
  /** Every span received so far, in arrival order. */
  spans(): ReceivedSpan[];
  /** Waits until `predicate` holds for the spans received (default 10 s), and returns them. */
  waitForSpans(predicate: (spans: ReceivedSpan[]) => boolean, options?: EventuallyOptions): Promise<ReceivedSpan[]>;
  /** Export requests that could not be read (malformed JSON, wrong path): a test can assert none. */
  readonly rejected: number;
  close(): Promise<void>;
}

/** OTLP JSON shapes, as far as the receiver reads them. */
interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
  bytesValue?: string;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number; message?: string };
}
interface ExportTraceServiceRequest {
  resourceSpans?: { resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  let rejected = 0;
  const server = createServer((req, res) => {
    handle(req, res, received).catch(() => {
      rejected++;
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans: () => [...received],
    waitForSpans: (predicate, options) =>
      eventually(() => {
        const now = [...received];
        if (!predicate(now)) throw new Error(`the spans received do not match yet (${now.length}: ${now.map((s) => `${s.serviceName}/${s.name}`).join(', ')})`);
        return now;
      }, { timeoutMs: 10_000, ...options }),
    get rejected() {
      return rejected;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, received: ReceivedSpan[]): Promise<void> {
  if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/traces') throw new Error(`unexpected ${req.method} ${req.url}`);
  let body = await readBody(req);
  if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
  const request = JSON.parse(body.toString('utf8')) as ExportTraceServiceRequest;
  for (const rs of request.resourceSpans ?? []) {
    const resource = attributesOf(rs.resource?.attributes);
    const serviceName = typeof resource['service.name'] === 'string' ? resource['service.name'] : undefined;
    for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) received.push(toSpan(span, serviceName));
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{}');
}

function toSpan(span: OtlpSpan, serviceName: string | undefined): ReceivedSpan {
  return {
    serviceName,
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId === undefined || span.parentSpanId === '' ? undefined : span.parentSpanId,
    name: span.name,
    kind: span.kind ?? 0,
    attributes: attributesOf(span.attributes),
    statusCode: span.status?.code ?? 0,
    statusMessage: span.status?.message,
  };
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list ?? []) out[kv.key] = valueOf(kv.value);
  return out;
}

function valueOf(v: OtlpAnyValue | undefined): AttributeValue {
  if (v === undefined) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  // OTLP JSON allows an int64 as a number or a decimal string.
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(valueOf);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('export request too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
