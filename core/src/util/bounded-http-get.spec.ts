import type { IncomingMessage, ServerResponse } from 'node:http';
import { boundedHttpGet, HttpGetTimeoutError } from './bounded-http-get';
import { listenHttp, type ListeningHttpServer } from './listening-http-server';

describe('boundedHttpGet (a real node:http server on port 0)', () => {
  let server: ListeningHttpServer | undefined;
  const seen: IncomingMessage[] = [];

  /** Serves `handler` on a free port and returns its base URL. */
  async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    server = await listenHttp((req, res) => {
      seen.push(req);
      handler(req, res);
    }, 0);
    return `http://127.0.0.1:${server.port}`;
  }

  afterEach(async () => {
    await server?.close();
    server = undefined;
    seen.length = 0;
  });

  it('resolves with the status and the body as text, on a connection of its own, with the headers asked for', async () => {
    const base = await serve((_, res) => res.end(JSON.stringify({ ok: 'é' })));
    const answer = await boundedHttpGet(`${base}/x?y=1`, { timeoutMs: 2000, maxBytes: 100, headers: { accept: 'application/json' } });
    expect(answer).toEqual({ status: 200, body: '{"ok":"é"}' });
    expect(seen.map((r) => [r.method, r.url, r.headers.accept, r.headers.connection])).toEqual([['GET', '/x?y=1', 'application/json', 'close']]);
  });

  it('resolves a non-2xx status with its body: the caller judges it', async () => {
    const base = await serve((_, res) => {
      res.statusCode = 503;
      res.end('unavailable');
    });
    await expect(boundedHttpGet(base, { timeoutMs: 2000, maxBytes: 100 })).resolves.toEqual({ status: 503, body: 'unavailable' });
  });

  it('takes a body of exactly maxBytes and refuses one byte more', async () => {
    const base = await serve((req, res) => res.end('a'.repeat(req.url === '/more' ? 64 * 1024 + 1 : 64 * 1024)));
    await expect(boundedHttpGet(`${base}/exact`, { timeoutMs: 2000, maxBytes: 64 * 1024 })).resolves.toMatchObject({ status: 200, body: 'a'.repeat(64 * 1024) });
    await expect(boundedHttpGet(`${base}/more`, { timeoutMs: 2000, maxBytes: 64 * 1024 })).rejects.toThrow(`answer larger than ${64 * 1024} bytes`);
  });

  it('gives up when no answer comes within the time', async () => {
    const base = await serve(() => undefined);
    const started = Date.now();
    const failure = boundedHttpGet(base, { timeoutMs: 150, maxBytes: 100 });
    await expect(failure).rejects.toThrow(new HttpGetTimeoutError(150));
    await expect(failure).rejects.toBeInstanceOf(HttpGetTimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('bounds the whole exchange: a status line in time and a body that never ends is a timeout too', async () => {
    const base = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    await expect(boundedHttpGet(base, { timeoutMs: 150, maxBytes: 100 })).rejects.toThrow('no answer within 150 ms');
  });

  it('rejects a refused connection with node:http\'s error code', async () => {
    const base = await serve(() => undefined);
    await server?.close();
    server = undefined;
    await expect(boundedHttpGet(base, { timeoutMs: 2000, maxBytes: 100 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
