/**
 * A stand-in OTLP/HTTP traces receiver for benchmarks: `POST /v1/traces` (OTLP JSON, what the
 * processes' OTLPTraceExporter sends) is answered 200 `{}` and its body discarded once its spans
 * are counted, so a bench can prove that tracing really ran without paying for a collector. The
 * count is cheap on purpose (occurrences of `"spanId":` in the body; parent ids are
 * `"parentSpanId":`, and our spans carry no links): the sink runs in the bench process, beside
 * the client loops it must not slow down. The first export is also parsed in full to check that
 * count. Anything else (another path, a protobuf or compressed body) is refused and counted.
 * Benchmarks only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const PATH = '/v1/traces';
const SPAN_ID_KEY = Buffer.from('"spanId":');

/** Spans in an OTLP JSON export, walked in full (resourceSpans → scopeSpans → spans); NaN if it is not JSON. */
function parsedSpanCount(body: Buffer): number {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] };
    return (doc.resourceSpans ?? []).flatMap((r) => r.scopeSpans ?? []).reduce((n, s) => n + (s.spans?.length ?? 0), 0);
  } catch {
    return Number.NaN;
  }
}

function countedSpans(body: Buffer): number {
  let n = 0;
  for (let at = body.indexOf(SPAN_ID_KEY); at !== -1; at = body.indexOf(SPAN_ID_KEY, at + SPAN_ID_KEY.length)) n++;
  return n;
}

export class OtlpTraceSink {
  /** Spans received so far. */
  spans = 0;
  /** Export requests accepted. */
  exports = 0;
  /** Requests refused (wrong path, method or encoding): a run with any cannot claim tracing ran. */
  refused = 0;
  /** The first export's spans, counted and parsed: unequal means `spans` cannot be trusted. */
  check: { counted: number; parsed: number } | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static start(host = '127.0.0.1'): Promise<OtlpTraceSink> {
    return new Promise((resolve, reject) => {
      let sink: OtlpTraceSink | undefined;
      const server = createServer((req, res) => sink?.handle(req, res));
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        sink = new OtlpTraceSink(server, `http://${host}:${(server.address() as AddressInfo).port}${PATH}`);
        resolve(sink);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const json = (req.headers['content-type'] ?? '').startsWith('application/json');
    const plain = (req.headers['content-encoding'] ?? 'identity') === 'identity';
    if (req.method !== 'POST' || req.url !== PATH || !json || !plain) {
      this.refused++;
      req.resume();
      res.writeHead(req.url === PATH ? 415 : 404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.accept(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 }).end('{}');
    });
  }

  private accept(body: Buffer): void {
    const counted = countedSpans(body);
    if (this.check === undefined) this.check = { counted, parsed: parsedSpanCount(body) };
    this.spans += counted;
    this.exports++;
  }
}
