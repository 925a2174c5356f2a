import { parseDescriptor } from '../../core/src/descriptors/job-descriptor';
import { ErrorCode } from '../../core/src/errors/error-code';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import type { JobMover } from '../../core/src/interfaces/job-mover';
import type { BackendHealth, ExportPage, ExportRequest, ImportResult, MonitorReport, PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import type { JobInfo, PortableJob } from '../../core/src/types/job';
import { JobState } from '../../core/src/types/job-state';
import type {
  AckRequest,
  CheckpointRequest,
  CountRequest,
  DeleteJobsRequest,
  DequeueRequest,
  DequeueResult,
  EnqueueRequest,
  LookupRequest,
  RetryFailedRequest,
  ScanRequest,
} from '../../core/src/types/requests';

interface StoredJob {
  info: JobInfo;
  body: Buffer;
}

/**
 * A minimal in-memory PinLaterBackend for gateway wire-layer tests ONLY: it gives the server
 * something that answers so the transport, codec and mapping can be exercised. It implements no
 * PinLater storage semantics worth testing; backend behaviour is tested by test/conformance
 * against the real stores. The routing backend's unit specs (core/src/routing/*.spec.ts) use two of
 * them as two systems: give each its own `shard` so descriptors tell their issuer apart.
 */
export class InMemoryBackend implements PinLaterBackend {
  readonly kind = 'pacer' as const;
  readonly numPriorityLevels = 3;
  readonly calls: { method: string; arg: unknown }[] = [];
  private readonly queues = new Map<string, StoredJob[]>();
  private nextId = 1;
  /** Test hooks: make the next call of a method fail, or hold dequeues until released. */
  failNext: { method: string; error: Error } | undefined;
  holdDequeues: Promise<void> | undefined;

  /**
   * `shard`: the shard token of the descriptors this backend issues (default `1`); when given,
   * `ownsDescriptor` is true only for descriptors naming it (else for every descriptor).
   */
  constructor(private readonly options: { shard?: string } = {}) {}

  createQueue(queue: string): Promise<void> {
    return this.op('createQueue', queue, () => {
      if (!this.queues.has(queue)) this.queues.set(queue, []);
    });
  }

  deleteQueue(queue: string): Promise<void> {
    return this.op('deleteQueue', queue, () => void this.queues.delete(queue));
  }

  enqueueJobs(req: EnqueueRequest): Promise<string[]> {
    return this.op('enqueueJobs', req, () =>
      req.jobs.map((job) => {
        const descriptor = `${req.queue}:s${this.options.shard ?? '1'}:p${job.priority}:${this.nextId++}`;
        const info: JobInfo = {
          descriptor,
          state: JobState.PENDING,
          attemptsAllowed: job.attemptsAllowed,
          attemptsRemaining: job.attemptsAllowed,
          customStatus: job.customStatus,
          createdAtMs: 1_700_000_000_000,
          runAfterMs: job.runAfterMs ?? 1_700_000_000_000,
        };
        this.jobs(req.queue).push({ info, body: job.body });
        return descriptor;
      }),
    );
  }

  async dequeueJobs(req: DequeueRequest): Promise<DequeueResult> {
    this.calls.push({ method: 'dequeueJobs', arg: req });
    if (this.holdDequeues) await this.holdDequeues;
    return this.op('dequeueJobs#run', req, () => {
      // Highest priority first (stable within one), or only `onlyPriority`.
      const pending = this.jobs(req.queue)
        .filter((j) => j.info.state === JobState.PENDING && (req.onlyPriority === undefined || priorityOf(j) === req.onlyPriority))
        .sort((a, b) => priorityOf(a) - priorityOf(b))
        .slice(0, req.limit);
      if (!req.dryRun) {
        for (const j of pending) {
          j.info.state = JobState.IN_PROGRESS;
          j.info.claimDescriptor = req.claimDescriptor;
        }
      }
      return {
        jobs: pending.map((j) => ({
          descriptor: j.info.descriptor,
          body: j.body,
          attemptsAllowed: j.info.attemptsAllowed,
          attemptsRemaining: j.info.attemptsRemaining,
          createdAtMs: j.info.createdAtMs,
          updatedAtMs: j.info.createdAtMs,
        })),
      };
    });
  }

  ackDequeuedJobs(req: AckRequest): Promise<void> {
    return this.op('ackDequeuedJobs', req, () => {
      for (const a of req.succeeded) this.find(req.queue, a.descriptor).forEach((j) => (j.info.state = JobState.SUCCEEDED));
      for (const a of req.failed) this.find(req.queue, a.descriptor).forEach((j) => (j.info.state = JobState.FAILED));
    });
  }

  checkpointJobs(req: CheckpointRequest): Promise<void> {
    return this.op('checkpointJobs', req, () => undefined);
  }

  lookupJobs(req: LookupRequest): Promise<Map<string, JobInfo>> {
    return this.op('lookupJobs', req, () => {
      const out = new Map<string, JobInfo>();
      for (const d of req.descriptors) {
        const parsed = parseDescriptor(d);
        const job = this.jobs(parsed.queue).find((j) => parseDescriptor(j.info.descriptor).localId === parsed.localId);
        if (job) out.set(d, req.includeBody ? { ...job.info, body: job.body } : { ...job.info });
      }
      return out;
    });
  }

  getJobCount(req: CountRequest): Promise<number> {
    return this.op('getJobCount', req, () => this.matching(req.queue, req.state, req.priority).length);
  }

  getQueueNames(): Promise<Set<string>> {
    return this.op('getQueueNames', undefined, () => new Set(this.queues.keys()));
  }

  scanJobs(req: ScanRequest): Promise<JobInfo[]> {
    return this.op('scanJobs', req, () =>
      this.matching(req.queue, req.state, req.priority)
        .sort((a, b) => (b.info.runAfterMs ?? 0) - (a.info.runAfterMs ?? 0))
        .slice(0, req.limit)
        .map((j) => ({ ...j.info })),
    );
  }

  /** FAILED jobs of the priority back to PENDING, at most `limit`. */
  retryFailedJobs(req: RetryFailedRequest): Promise<number> {
    return this.op('retryFailedJobs', req, () => {
      const failed = this.matching(req.queue, JobState.FAILED, req.priority).slice(0, req.limit);
      for (const j of failed) {
        j.info.state = JobState.PENDING;
        j.info.attemptsRemaining = req.attemptsToAllow;
      }
      return failed.length;
    });
  }

  /** Deletes at most `limit` jobs of the state and priority. */
  deleteJobs(req: DeleteJobsRequest): Promise<number> {
    return this.op('deleteJobs', req, () => {
      const doomed = new Set(this.matching(req.queue, req.state, req.priority).slice(0, req.limit));
      this.queues.set(req.queue, this.jobs(req.queue).filter((j) => !doomed.has(j)));
      return doomed.size;
    });
  }

  ownsDescriptor(descriptor: string): boolean {
    if (this.options.shard === undefined) return true;
    try {
      return parseDescriptor(descriptor).shard === this.options.shard;
    } catch {
      return false;
    }
  }

  jobMover(): JobMover {
    throw new PinLaterError(ErrorCode.UNKNOWN, 'the in-memory test backend moves no jobs');
  }

  runMonitorOnce(): Promise<MonitorReport> {
    return Promise.resolve({ queues: {}, skippedShards: [] });
  }

  health(): Promise<BackendHealth> {
    return Promise.resolve({ kind: this.kind, healthy: true, shards: [{ shard: '1', healthy: true, dequeueOnly: false }] });
  }

  exportJobs(req: ExportRequest): Promise<ExportPage> {
    return this.op('exportJobs', req, () => ({ jobs: [] }));
  }

  importJobs(queue: string, jobs: PortableJob[]): Promise<ImportResult[]> {
    return this.op('importJobs', { queue, jobs }, () => []);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private jobs(queue: string): StoredJob[] {
    let list = this.queues.get(queue);
    if (!list) {
      list = [];
      this.queues.set(queue, list);
    }
    return list;
  }

  private matching(queue: string, state: JobState, priority: number | undefined): StoredJob[] {
    return this.jobs(queue).filter((j) => j.info.state === state && (priority === undefined || priorityOf(j) === priority));
  }

  private find(queue: string, descriptor: string): StoredJob[] {
    const id = parseDescriptor(descriptor).localId;
    return this.jobs(queue).filter((j) => parseDescriptor(j.info.descriptor).localId === id);
  }

  private async op<T>(method: string, arg: unknown, fn: () => T): Promise<T> {
    if (!method.endsWith('#run')) this.calls.push({ method, arg });
    await Promise.resolve();
    const failure = this.failNext;
    if (failure && failure.method === method.replace('#run', '')) {
      this.failNext = undefined;
      throw failure.error;
    }
    return fn();
  }
}

function priorityOf(job: StoredJob): number {
  return parseDescriptor(job.info.descriptor).priority;
}
