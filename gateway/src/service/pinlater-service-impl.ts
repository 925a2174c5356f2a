import { ErrorCode } from '../../../core/src/errors/error-code';
import { queueNotFound } from './missing-queue';
import { InternalError } from '../../../core/src/errors/internal-error';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import type { JobInfo } from '../../../core/src/types/job';
import type {
  AckRequest,
  CheckpointItem,
  CheckpointRequest,
  CountRequest,
  DeleteJobsRequest,
  DequeueRequest,
  DequeueResult,
  EnqueueRequest,
  LookupRequest,
  RetryFailedRequest,
} from '../../../core/src/types/requests';
import { withTrace } from '../../../core/src/telemetry/trace-context';
import type { Clock } from '../../../core/src/util/clock';
import { errorStatCode, statNames } from '../stats/stat-names';
import { isAdminPassword } from './admin-password';
import { ClaimDescriptors } from './claim-descriptors';
import { DequeueGates } from './dequeue-gates';
import { missingQueuePolicy } from './missing-queue';
import type { DequeueCall, PinLaterService, RequestCtx, ScanCall } from './pinlater-service';
import { createQueueNameError, queueNameProblem } from './queue-name';
import { RequestEdge } from './request-edge';

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
  /** GATEWAY_MAX_BATCH_ITEMS (ours): most items per call; also caps dequeue and scan limits. Default 100000. */
  maxBatchItems?: number;
}

/** The queues that exist as the gateway knows them (`known-queues.ts`); told of creates and deletes. */
export interface QueueDirectory {
  add(queue: string): void;
  delete(queue: string): void;
}

export interface ServiceDeps {
  backend: PinLaterBackend;
  rateLimiter: DequeueRateLimiter;
  stats: Stats;
  clock: Clock;
  logger: Logger;
  knownQueues?: QueueDirectory;
}

export const DEFAULT_MAX_BATCH_ITEMS = 100_000;

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
  private readonly edge: RequestEdge;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: ServiceSettings,
  ) {
    this.claims = new ClaimDescriptors(settings.hostname, settings.thriftPort, settings.serverStartMillis);
    this.dequeueGates = new DequeueGates(settings.dequeuePermitsPerQueue, settings.maxConcurrentRequests, deps.stats);
    this.edge = new RequestEdge(
      { policy: missingQueuePolicy(deps.backend.kind), maxBatchItems: settings.maxBatchItems ?? DEFAULT_MAX_BATCH_ITEMS },
      deps.stats,
    );
  }

  /** The label of `queue` in per-queue stat names (bounded; see `Stats.queueSeries`). */
  private series(queue: string): string {
    return this.deps.stats.queueSeries(queue);
  }

  createQueue(ctx: RequestCtx, name: string): Promise<void> {
    const problem = queueNameProblem(name);
    if (problem === 'invalid') return Promise.reject(createQueueNameError(name, problem));
    return this.call('createQueue', ctx, async () => {
      if (problem) throw createQueueNameError(name, problem);
      await this.deps.backend.createQueue(name);
      this.deps.knownQueues?.add(name);
    });
  }

  /** A name that could never have been created names nothing to drop: done, as for a missing queue. */
  deleteQueue(ctx: RequestCtx, name: string, password: string | undefined): Promise<void> {
    return this.call('deleteQueue', ctx, async () => {
      if (!isAdminPassword(password, this.settings.adminPasswordHash)) {
        throw new PinLaterError(ErrorCode.PASSWORD_INVALID, 'Invalid admin password.');
      }
      if (!this.edge.isValid('deleteQueue', name)) return;
      await this.deps.backend.deleteQueue(name);
      this.deps.knownQueues?.delete(name);
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
      this.edge.checkBatch('enqueueJobs', 'jobs', req.jobs.length);
      const bodySize = statNames.bodySize(this.series(req.queue));
      for (const job of req.jobs) {
        this.deps.stats.metric(bodySize, job.body.length);
        this.deps.stats.metric(statNames.bodySizeAll, job.body.length);
      }
      const bad = req.jobs.find((j) => j.priority < 1 || j.priority > this.deps.backend.numPriorityLevels);
      if (bad) throw new PinLaterError(ErrorCode.PRIORITY_NOT_SUPPORTED, String(bad.priority));
      this.edge.requireValidForEnqueue(req.queue);
      const descriptors = await this.deps.backend.enqueueJobs(withTrace(req, ctx.trace));
      this.deps.stats.incr(statNames.enqueued(this.series(req.queue)), req.jobs.length);
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
      this.deps.stats.incr(statNames.rateLimited(this.series(req.queue)));
      return Promise.reject(
        new PinLaterError(ErrorCode.DEQUEUE_RATE_LIMITED, `Dequeue rate limit exceeded for queue: ${req.queue}`),
      );
    }
    return this.call('dequeueJobs', ctx, async () => {
      const dequeue = this.dequeueOwn(ctx, req);
      const acks = req.ack ? this.ackOwn('dequeueJobs', withTrace(req.ack, ctx.trace)) : Promise.resolve();
      const [result] = await Promise.all([dequeue, acks]);
      this.deps.stats.incr(statNames.dequeued(this.series(req.queue)), result.jobs.length);
      return result;
    });
  }

  /** The dequeue part of dequeueJobs: an impossible name answers as a missing queue. */
  private async dequeueOwn(ctx: RequestCtx, req: DequeueCall): Promise<DequeueResult> {
    if (!this.edge.isValid('dequeueJobs', req.queue)) {
      if (this.edge.policy === 'strict') throw queueNotFound(req.queue);
      return { jobs: [] };
    }
    return this.dequeueGates.run(req.queue, () =>
      this.deps.backend.dequeueJobs(withTrace<DequeueRequest>({
        queue: req.queue,
        limit: this.edge.clampLimit(req.limit),
        dryRun: req.dryRun,
        coverage: req.coverage,
        claimDescriptor: this.claims.next(ctx.source),
      }, ctx.trace)),
    );
  }

  /** Acks after the edge: foreign descriptors dropped, impossible names answered as missing. */
  private async ackOwn(method: string, req: AckRequest): Promise<void> {
    this.edge.checkBatch(method, 'acks', req.succeeded.length + req.failed.length);
    const own = this.edge.ackForBackend(method, req);
    if (own) await this.deps.backend.ackDequeuedJobs(withTrace(own, req.trace));
  }

  ackDequeuedJobs(ctx: RequestCtx, req: AckRequest): Promise<void> {
    return this.call('ackDequeuedJobs', ctx, async () => {
      await this.ackOwn('ackDequeuedJobs', withTrace(req, ctx.trace));
      const queue = this.series(req.queue);
      this.deps.stats.incr(statNames.ackSucceeded(queue), req.succeeded.length);
      this.deps.stats.incr(statNames.ackFailed(queue), req.failed.length);
    });
  }

  checkpointJobs(ctx: RequestCtx, queue: string, items: CheckpointItem[]): Promise<void> {
    return this.call('checkpointJobs', ctx, async () => {
      this.edge.checkBatch('checkpointJobs', 'checkpoint requests', items.length);
      const own = this.edge.checkpointForBackend(queue, items);
      if (own) await this.deps.backend.checkpointJobs(withTrace<CheckpointRequest>({ queue, source: ctx.source, items: own }, ctx.trace));
      this.deps.stats.incr(statNames.checkpoint(this.series(queue)), items.length);
    });
  }

  lookupJobs(ctx: RequestCtx, req: LookupRequest): Promise<Map<string, JobInfo>> {
    return this.call('lookupJobs', ctx, async () => {
      this.edge.checkBatch('lookupJobs', 'descriptors', req.descriptors.length);
      const descriptors = this.edge.lookupDescriptors(req.descriptors);
      if (descriptors.length === 0) return new Map<string, JobInfo>();
      return this.deps.backend.lookupJobs(withTrace({ ...req, descriptors }, ctx.trace));
    });
  }

  getJobCount(ctx: RequestCtx, req: CountRequest): Promise<number> {
    return this.call('getJobCount', ctx, async () => {
      if (!this.edge.isValid('getJobCount', req.queue)) return this.missingQueueRead(req.queue, 0);
      return this.deps.backend.getJobCount(withTrace(req, ctx.trace));
    });
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
      if (!this.edge.isValid('scanJobs', req.queue)) return this.missingQueueRead(req.queue, []);
      return this.deps.backend.scanJobs(withTrace({ ...scan, limit: this.edge.clampLimit(scan.limit) }, ctx.trace));
    });
  }

  retryFailedJobs(ctx: RequestCtx, req: RetryFailedRequest): Promise<number> {
    return this.call('retryFailedJobs', ctx, async () => {
      if (!this.edge.isValid('retryFailedJobs', req.queue)) return this.missingQueueRead(req.queue, 0);
      return this.deps.backend.retryFailedJobs(withTrace(req, ctx.trace));
    });
  }

  deleteJobs(ctx: RequestCtx, req: DeleteJobsRequest): Promise<number> {
    return this.call('deleteJobs', ctx, async () => {
      if (!this.edge.isValid('deleteJobs', req.queue)) return this.missingQueueRead(req.queue, 0);
      return this.deps.backend.deleteJobs(withTrace(req, ctx.trace));
    });
  }

  /** A read or admin call on an impossible name: UNKNOWN (strict) or the empty answer (lenient). */
  private missingQueueRead<T>(queue: string, empty: T): T {
    if (this.edge.policy === 'strict') this.edge.missingQueueRead(queue);
    return empty;
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
