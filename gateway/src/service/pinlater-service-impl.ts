import { ErrorCode } from '../../../core/src/errors/error-code';
import { InternalError } from '../../../core/src/errors/internal-error';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import type { JobInfo } from '../../../core/src/types/job';
import type {
  AckRequest,
  CheckpointItem,
  CountRequest,
  DeleteJobsRequest,
  DequeueResult,
  EnqueueRequest,
  LookupRequest,
  RetryFailedRequest,
} from '../../../core/src/types/requests';
import type { Clock } from '../../../core/src/util/clock';
import { errorStatCode, statNames } from '../stats/stat-names';
import { isAdminPassword } from './admin-password';
import { ClaimDescriptors } from './claim-descriptors';
import { DequeueGates } from './dequeue-gates';
import type { DequeueCall, PinLaterService, RequestCtx, ScanCall } from './pinlater-service';
import { isValidQueueName } from './queue-name';

/** The rate limiter as the service sees it (`gateway/src/rate-limit/queue-rate-limits.ts`). */
export interface DequeueRateLimiter {
  allowDequeue(queue: string, limit: number): boolean;
}

export interface ServiceSettings {
  /** ADMIN_PASSWORD_HASH; absent or empty refuses every deleteQueue. */
  adminPasswordHash: string | undefined;
  /** BACKEND_DEQUEUE_CONCURRENCY_PER_QUEUE_PER_SHARD × number of shards. */
  dequeuePermitsPerQueue: number;
  /** MAX_CONCURRENT_REQUESTS: waiters per queue's dequeue semaphore. */
  maxConcurrentRequests: number;
  hostname: string;
  thriftPort: number;
  serverStartMillis: number;
}

export interface ServiceDeps {
  backend: PinLaterBackend;
  rateLimiter: DequeueRateLimiter;
  stats: Stats;
  clock: Clock;
  logger: Logger;
}

/** Java's texts for Guava/twitter-commons precondition failures (FACTS §3.10). */
const BLANK_ARGUMENT = 'java.lang.IllegalArgumentException: Argument cannot be blank';
const ILLEGAL_ARGUMENT = 'java.lang.IllegalArgumentException';

/**
 * PinLaterServiceImpl plus the base-layer checks that are the same for every backend
 * (FACTS §3): queue-name validation, the deleteQueue password, enqueue preconditions and priority
 * range, rate limiting, piggybacked acks, claim descriptors, the per-queue dequeue semaphore and
 * the scan continuation. Stats use PinLater's names (FACTS §9).
 */
export class PinLaterServiceImpl implements PinLaterService {
  private readonly claims: ClaimDescriptors;
  private readonly dequeueGates: DequeueGates;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: ServiceSettings,
  ) {
    this.claims = new ClaimDescriptors(settings.hostname, settings.thriftPort, settings.serverStartMillis);
    this.dequeueGates = new DequeueGates(settings.dequeuePermitsPerQueue, settings.maxConcurrentRequests, deps.stats);
  }

  createQueue(ctx: RequestCtx, name: string): Promise<void> {
    if (!isValidQueueName(name)) {
      return Promise.reject(new PinLaterError(ErrorCode.QUEUE_NAME_INVALID, `Invalid queue name: ${name}`));
    }
    return this.call('createQueue', ctx, () => this.deps.backend.createQueue(name));
  }

  deleteQueue(ctx: RequestCtx, name: string, password: string | undefined): Promise<void> {
    return this.call('deleteQueue', ctx, async () => {
      if (!isAdminPassword(password, this.settings.adminPasswordHash)) {
        throw new PinLaterError(ErrorCode.PASSWORD_INVALID, 'Invalid admin password.');
      }
      await this.deps.backend.deleteQueue(name);
    });
  }

  /**
   * The whole batch's priorities are checked before anything is enqueued, so a bad priority
   * enqueues nothing (PinLater checks job by job and may have enqueued part of the batch; recorded
   * in docs/compatibility.md).
   */
  enqueueJobs(ctx: RequestCtx, req: EnqueueRequest): Promise<string[]> {
    if (req.jobs.length === 0) throw new InternalError(BLANK_ARGUMENT);
    return this.call('enqueueJobs', ctx, async () => {
      const bodySize = statNames.bodySize(req.queue);
      for (const job of req.jobs) {
        this.deps.stats.metric(bodySize, job.body.length);
        this.deps.stats.metric(statNames.bodySizeAll, job.body.length);
      }
      const bad = req.jobs.find((j) => j.priority < 1 || j.priority > this.deps.backend.numPriorityLevels);
      if (bad) throw new PinLaterError(ErrorCode.PRIORITY_NOT_SUPPORTED, String(bad.priority));
      const descriptors = await this.deps.backend.enqueueJobs(req);
      this.deps.stats.incr(statNames.enqueued(req.queue), req.jobs.length);
      return descriptors;
    });
  }

  /**
   * Order as in PinLater (FACTS §3.6): rate-limiter preconditions (synchronous → INTERNAL_ERROR),
   * the rate limiter (refusal skips the piggybacked acks, the timing and the error stats), then
   * the per-queue semaphore and the backend, with the piggybacked acks running in parallel.
   */
  dequeueJobs(ctx: RequestCtx, req: DequeueCall): Promise<DequeueResult> {
    if (req.queue.trim().length === 0) throw new InternalError(BLANK_ARGUMENT);
    if (req.limit <= 0) throw new InternalError(ILLEGAL_ARGUMENT);
    if (!this.deps.rateLimiter.allowDequeue(req.queue, req.limit)) {
      this.deps.stats.incr(statNames.rateLimited(req.queue));
      return Promise.reject(
        new PinLaterError(ErrorCode.DEQUEUE_RATE_LIMITED, `Dequeue rate limit exceeded for queue: ${req.queue}`),
      );
    }
    return this.call('dequeueJobs', ctx, async () => {
      const dequeue = this.dequeueGates.forQueue(req.queue).run(() =>
        this.deps.backend.dequeueJobs({
          queue: req.queue,
          limit: req.limit,
          dryRun: req.dryRun,
          coverage: req.coverage,
          claimDescriptor: this.claims.next(ctx.source),
        }),
      );
      const acks = req.ack ? this.deps.backend.ackDequeuedJobs(req.ack) : Promise.resolve();
      const [result] = await Promise.all([dequeue, acks]);
      this.deps.stats.incr(statNames.dequeued(req.queue), result.jobs.length);
      return result;
    });
  }

  ackDequeuedJobs(ctx: RequestCtx, req: AckRequest): Promise<void> {
    return this.call('ackDequeuedJobs', ctx, async () => {
      await this.deps.backend.ackDequeuedJobs(req);
      this.deps.stats.incr(statNames.ackSucceeded(req.queue), req.succeeded.length);
      this.deps.stats.incr(statNames.ackFailed(req.queue), req.failed.length);
    });
  }

  checkpointJobs(ctx: RequestCtx, queue: string, items: CheckpointItem[]): Promise<void> {
    return this.call('checkpointJobs', ctx, async () => {
      await this.deps.backend.checkpointJobs({ queue, source: ctx.source, items });
      this.deps.stats.incr(statNames.checkpoint(queue), items.length);
    });
  }

  lookupJobs(ctx: RequestCtx, req: LookupRequest): Promise<Map<string, JobInfo>> {
    return this.call('lookupJobs', ctx, () => this.deps.backend.lookupJobs(req));
  }

  getJobCount(ctx: RequestCtx, req: CountRequest): Promise<number> {
    return this.call('getJobCount', ctx, () => this.deps.backend.getJobCount(req));
  }

  getQueueNames(ctx: RequestCtx): Promise<Set<string>> {
    return this.call('getQueueNames', ctx, () => this.deps.backend.getQueueNames());
  }

  scanJobs(ctx: RequestCtx, req: ScanCall): Promise<JobInfo[]> {
    return this.call('scanJobs', ctx, async () => {
      if (req.continuation !== '0') {
        throw new PinLaterError(
          ErrorCode.CONTINUATION_INVALID,
          'CONTINUATION_START is the only continuation token supported right now.',
        );
      }
      const { continuation: _ignored, ...scan } = req;
      return this.deps.backend.scanJobs(scan);
    });
  }

  retryFailedJobs(ctx: RequestCtx, req: RetryFailedRequest): Promise<number> {
    return this.call('retryFailedJobs', ctx, () => this.deps.backend.retryFailedJobs(req));
  }

  deleteJobs(ctx: RequestCtx, req: DeleteJobsRequest): Promise<number> {
    return this.call('deleteJobs', ctx, () => this.deps.backend.deleteJobs(req));
  }

  /** Stats.timeFutureMillis + LogAndWrapException: time the call, count and log its failure. */
  private async call<T>(method: string, ctx: RequestCtx, work: () => Promise<T>): Promise<T> {
    const started = this.deps.clock.nowMs();
    try {
      return await work();
    } catch (e) {
      const code = e instanceof PinLaterError ? errorStatCode(e.code) : e instanceof InternalError ? 'INTERNAL_ERROR' : 'UNKNOWN';
      this.deps.stats.incr(statNames.error(method, code));
      // Caller errors (4xx codes) are the client's problem: warn. Server errors page someone: error.
      const level = e instanceof PinLaterError && e.code < 500 ? 'warn' : 'error';
      this.deps.logger[level]({ err: e, method, source: ctx.source, requestId: ctx.requestId }, 'request failed');
      throw e;
    } finally {
      this.deps.stats.metric(statNames.timing(method), this.deps.clock.nowMs() - started);
    }
  }
}
