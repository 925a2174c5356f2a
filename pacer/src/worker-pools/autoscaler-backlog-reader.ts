/**
 * Reads a queue's backlog from the routing gateways' admin ports (autoscaler-backlog.ts has the
 * contract): every configured gateway is asked at once, each with a timeout, on a connection of
 * its own that is closed after the answer (no keep-alive socket outlives a pass); the answers are
 * combined (counts from the first that answered, rates summed). Never throws: a gateway that does
 * not answer, answers an error status or a body outside the contract is a problem in the reading.
 */
import { coerceError } from '../../../core/src/errors/coerce-error';
import { boundedHttpGet } from '../../../core/src/util/bounded-http-get';
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
      const { status, body } = await boundedHttpGet(url, { timeoutMs: this.timeoutMs, maxBytes: MAX_BODY_BYTES, headers: { accept: 'application/json' } });
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
