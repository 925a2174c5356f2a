/**
 * Reads a queue's backlog from the routing gateways' admin ports (autoscaler-backlog.ts has the
 * contract): every configured gateway is asked at once, each with a timeout, on a connection of
 * its own that is closed after the answer (no keep-alive socket outlives a pass); the answers are
 * combined (counts from the first that answered, rates summed). Never throws: a gateway that does
 * not answer, answers an error status or a body outside the contract is a problem in the reading.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { backlogBodySchema, backlogUrl, combineBacklog, statusProblem, type BacklogReading, type GatewayBacklog } from './autoscaler-backlog';

export interface BacklogSource {
  read(queue: string): Promise<BacklogReading>;
}

const DEFAULT_TIMEOUT_MS = 2000;
const MAX_BODY_BYTES = 64 * 1024;

export class HttpBacklogSource implements BacklogSource {
  /** `bases`: gateway admin base URLs (`http://gateway-0.gateway:9011`). */
  constructor(private readonly bases: readonly string[], private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  async read(queue: string): Promise<BacklogReading> {
    return combineBacklog(await Promise.all(this.bases.map((base) => this.ask(backlogUrl(base, queue), queue))));
  }

  private async ask(url: string, queue: string): Promise<GatewayBacklog> {
    try {
      const { status, body } = await getText(url, this.timeoutMs);
      if (status !== 200) return { ok: false, url, status, problem: statusProblem(status) };
      const parsed = backlogBodySchema.safeParse(JSON.parse(body));
      if (!parsed.success) return { ok: false, url, problem: `not the backlog contract: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join(', ')}` };
      if (parsed.data.queue !== queue) return { ok: false, url, problem: `answered for queue "${parsed.data.queue}"` };
      const { ready, inProgress, future, dequeueRatePerSecond } = parsed.data;
      return { ok: true, url, ready, inProgress, future, dequeueRatePerSecond };
    } catch (e) {
      const err = coerceError(e);
      return { ok: false, url, problem: (err as NodeJS.ErrnoException).code ?? err.message };
    }
  }
}

/** One GET on a fresh connection (`agent: false`), the body as text, within `timeoutMs`. */
function getText(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs, headers: { accept: 'application/json' } }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) req.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
