/**
 * `GET /backlog?queue=<name>` on the admin port: one queue's backlog as JSON, for KEDA's
 * `metrics-api` scaler and the pool manager's autoscaler (docs: runbooks/README.md "Admin
 * endpoints"):
 *
 *   {"queue":"q","ready":123,"inProgress":4,"future":7,"dequeueRatePerSecond":12.5,"system":"pacer","at":"…"}
 *
 * The counts come from queue-backlog-reader.ts; `dequeueRatePerSecond` is the jobs dequeued for the
 * queue through this gateway over the last 60 s (dequeue-rate-stats.ts), per second.
 *
 * The query is untrusted: exactly one `queue` parameter, a name PinLater could have created (400
 * otherwise); a queue that does not exist is 404; a backend that fails or cannot serve is 503 with
 * the PinLater error code its call would have carried (`errorCode`). Pollers cannot multiply
 * backend reads: answers (errors included) are kept per queue for BACKLOG_TTL_MS, callers asking
 * while a read is in flight share it, and at most BACKLOG_MAX_QUEUES queues are kept
 * (coalescing-cache.ts).
 */
import { ErrorCode } from '../../../core/src/errors/error-code';
import type { Logger } from '../../../core/src/logging/logger';
import { MAX_QUEUE_NAME_LENGTH, queueNameProblem } from '../../../core/src/types/queue-name';
import type { Clock } from '../../../core/src/util/clock';
import { renderUntrusted } from '../../../core/src/util/render-untrusted';
import { thriftErrorType, toThriftError } from '../errors/to-thrift-error';
import { CoalescingCache } from './coalescing-cache';
import type { QueueBacklogReader } from './queue-backlog-reader';
import type { SlidingWindowCounter } from './sliding-window-counter';

/** How long an answer is reused. */
export const BACKLOG_TTL_MS = 1000;
/** Most queues whose answers are kept. */
export const BACKLOG_MAX_QUEUES = 1000;

export interface BacklogBody {
  readonly queue: string;
  readonly ready: number;
  readonly inProgress: number;
  readonly future: number;
  readonly dequeueRatePerSecond: number;
  readonly system: string;
  readonly at: string;
}

export interface BacklogErrorBody {
  /** The queue asked for, once it passed validation; null before. */
  readonly queue: string | null;
  readonly error: string;
  /** The PinLater ErrorCode name (or INTERNAL_ERROR), as a Thrift call would have carried it. */
  readonly errorCode: string;
}

export interface BacklogAnswer {
  readonly status: 200 | 400 | 404 | 503;
  readonly body: BacklogBody | BacklogErrorBody;
}

export interface BacklogEndpointDeps {
  readonly reader: Pick<QueueBacklogReader, 'read'>;
  /** Jobs dequeued per queue (stat series) over the last 60 s. */
  readonly dequeues: Pick<SlidingWindowCounter, 'perSecond'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Defaults BACKLOG_TTL_MS, BACKLOG_MAX_QUEUES. */
  readonly ttlMs?: number;
  readonly maxQueues?: number;
}

export class BacklogEndpoint {
  private readonly cache: CoalescingCache<BacklogAnswer>;

  constructor(private readonly deps: BacklogEndpointDeps) {
    this.cache = new CoalescingCache({ ttlMs: deps.ttlMs ?? BACKLOG_TTL_MS, maxKeys: deps.maxQueues ?? BACKLOG_MAX_QUEUES, clock: deps.clock });
  }

  /** The answer to `/backlog?<query>`; never rejects. */
  handle(query: URLSearchParams): Promise<BacklogAnswer> {
    const refused = refusal(query);
    if (typeof refused !== 'string') return Promise.resolve(refused);
    return this.cache.get(refused, () => this.read(refused));
  }

  private async read(queue: string): Promise<BacklogAnswer> {
    try {
      const counts = await this.deps.reader.read(queue);
      const body: BacklogBody = {
        queue,
        ready: counts.ready,
        inProgress: counts.inProgress,
        future: counts.future,
        dequeueRatePerSecond: roundRate(this.deps.dequeues.perSecond(queue)),
        system: counts.system,
        at: new Date(counts.atMs).toISOString(),
      };
      return { status: 200, body };
    } catch (e) {
      return this.failed(queue, e);
    }
  }

  private failed(queue: string, e: unknown): BacklogAnswer {
    const mapped = toThriftError(e, 'getJobCount', 'async');
    const errorCode = thriftErrorType(mapped);
    if (mapped.kind === 'pinlater-exception' && mapped.errorCode === ErrorCode.QUEUE_NOT_FOUND) {
      return { status: 404, body: { queue, error: mapped.message, errorCode } };
    }
    this.deps.logger.warn({ err: e, queue, errorCode }, 'backlog read failed');
    return { status: 503, body: { queue, error: mapped.message, errorCode } };
  }
}

/** The queue to read (the query is valid), else the 400 answer. */
function refusal(query: URLSearchParams): string | BacklogAnswer {
  const values = query.getAll('queue');
  const [queue] = values;
  if (values.length !== 1 || queue === undefined) {
    return badRequest(`/backlog takes exactly one queue parameter (got ${values.length}): /backlog?queue=<name>`, ErrorCode.QUEUE_NAME_INVALID);
  }
  const problem = queueNameProblem(queue);
  if (problem === 'invalid') return badRequest(`Invalid queue name: ${renderUntrusted(queue)}`, ErrorCode.QUEUE_NAME_INVALID);
  if (problem === 'too-long') {
    return badRequest(
      `Queue name is too long by ${queue.length - MAX_QUEUE_NAME_LENGTH} characters. The maximum is ${MAX_QUEUE_NAME_LENGTH} characters.`,
      ErrorCode.QUEUE_NAME_TOO_LONG,
    );
  }
  return queue;
}

function badRequest(error: string, code: ErrorCode): BacklogAnswer {
  return { status: 400, body: { queue: null, error, errorCode: ErrorCode[code] } };
}

/** Jobs per second, to the thousandth. */
function roundRate(perSecond: number): number {
  return Math.round(perSecond * 1000) / 1000;
}
