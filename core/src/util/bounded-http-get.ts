/**
 * One HTTP(S) GET of a small text or JSON answer from another process's admin port (the
 * autoscaler's `/backlog`, the ops CLI's `/limits`), bounded in time and size, since what comes
 * back is network input:
 *
 * - a connection of its own (`agent: false`), closed after the answer: no keep-alive socket
 *   outlives the call;
 * - the whole exchange (connect, status line, body) within `timeoutMs`, else an HttpGetTimeoutError;
 * - at most `maxBytes` of body, else `answer larger than <maxBytes> bytes`.
 *
 * Resolves with the status and the body as UTF-8 text whatever the status (the caller judges it);
 * a connection error rejects as node:http reports it (its `code`, e.g. ECONNREFUSED, kept).
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface BoundedHttpGetOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly headers?: OutgoingHttpHeaders;
}

export interface HttpTextAnswer {
  readonly status: number;
  readonly body: string;
}

/** The answer, body included, did not arrive within the time allowed. */
export class HttpGetTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'HttpGetTimeoutError';
  }
}

export function boundedHttpGet(url: string, options: BoundedHttpGetOptions): Promise<HttpTextAnswer> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    const stop = (reason: Error): void => {
      failure ??= reason;
      req.destroy(reason);
    };
    const timer = setTimeout(() => stop(new HttpGetTimeoutError(options.timeoutMs)), options.timeoutMs);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      reject(failure ?? e);
    };
    const req = request(url, { method: 'GET', agent: false, headers: options.headers ?? {} }, (res) => {
      collectBody(res, options.maxBytes, stop).then((body) => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body });
      }, fail);
    });
    req.on('error', fail);
    req.end();
  });
}

/** The body as text; past `maxBytes`, `stop` is called (which destroys the request) and nothing more is kept. */
function collectBody(res: IncomingMessage, maxBytes: number, stop: (reason: Error) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) stop(new Error(`answer larger than ${maxBytes} bytes`));
      else chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}
