/**
 * A PinLaterBackend decorator for one system (a legacy cluster, Pacer, or a single-backend
 * gateway's backend): a `backend <operation>` span around each operation (its Redis/MySQL spans
 * nest inside), the operation's latency and errors (`pinlater.backend.operation.duration`), and
 * the jobs it enqueued, handed out and had acked, labelled with the system. Everything else passes
 * through unchanged; with metrics and tracing off it adds one clock read per call.
 */
import type { Attributes } from '@opentelemetry/api';
import type { JobMover } from '../../../core/src/interfaces/job-mover';
import type { BackendHealth, ExportPage, ExportRequest, ImportResult, MonitorReport, PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { JobInfo, PortableJob } from '../../../core/src/types/job';
import { errorTypeOf, inSpan } from '../../../core/src/telemetry/tracing';
import { ATTR, SPANS } from '../../../core/src/telemetry/telemetry-catalogue';
import { withTrace, type TraceContext } from '../../../core/src/telemetry/trace-context';
import type {
  AckRequest, CheckpointRequest, CountRequest, DeleteJobsRequest, DequeueRequest, DequeueResult, EnqueueRequest, LookupRequest, RetryFailedRequest, ScanRequest,
} from '../../../core/src/types/requests';
import type { GatewayInstruments } from './gateway-instruments';

export class InstrumentedBackend implements PinLaterBackend {
  readonly kind: PinLaterBackend['kind'];
  readonly numPriorityLevels: number;

  constructor(private readonly inner: PinLaterBackend, private readonly system: string, private readonly instruments: GatewayInstruments) {
    this.kind = inner.kind;
    this.numPriorityLevels = inner.numPriorityLevels;
  }

  ownsDescriptor(descriptor: string): boolean {
    return this.inner.ownsDescriptor(descriptor);
  }

  jobMover(): JobMover {
    return this.inner.jobMover();
  }

  createQueue(queue: string): Promise<void> {
    return this.run('createQueue', queue, undefined, () => this.inner.createQueue(queue));
  }

  deleteQueue(queue: string): Promise<void> {
    return this.run('deleteQueue', queue, undefined, () => this.inner.deleteQueue(queue));
  }

  async enqueueJobs(req: EnqueueRequest): Promise<string[]> {
    const ids = await this.run('enqueueJobs', req.queue, req.trace, (t) => this.inner.enqueueJobs(withTrace(req, t)), req.jobs.length);
    this.instruments.enqueued.add(ids.length, this.labels(req.queue));
    return ids;
  }

  async dequeueJobs(req: DequeueRequest): Promise<DequeueResult> {
    const result = await this.run('dequeueJobs', req.queue, req.trace, (t) => this.inner.dequeueJobs(withTrace(req, t)));
    if (result.jobs.length > 0) this.instruments.dequeued.add(result.jobs.length, this.labels(req.queue));
    return result;
  }

  async ackDequeuedJobs(req: AckRequest): Promise<void> {
    await this.run('ackDequeuedJobs', req.queue, req.trace, (t) => this.inner.ackDequeuedJobs(withTrace(req, t)), req.succeeded.length + req.failed.length);
    if (req.succeeded.length > 0) this.instruments.acked.add(req.succeeded.length, { ...this.labels(req.queue), [ATTR.result]: 'succeeded' });
    if (req.failed.length > 0) this.instruments.acked.add(req.failed.length, { ...this.labels(req.queue), [ATTR.result]: 'failed' });
  }

  checkpointJobs(req: CheckpointRequest): Promise<void> {
    return this.run('checkpointJobs', req.queue, req.trace, (t) => this.inner.checkpointJobs(withTrace(req, t)), req.items.length);
  }

  lookupJobs(req: LookupRequest): Promise<Map<string, JobInfo>> {
    return this.run('lookupJobs', undefined, req.trace, (t) => this.inner.lookupJobs(withTrace(req, t)), req.descriptors.length);
  }

  getJobCount(req: CountRequest): Promise<number> {
    return this.run('getJobCount', req.queue, req.trace, (t) => this.inner.getJobCount(withTrace(req, t)));
  }

  getQueueNames(): Promise<Set<string>> {
    return this.run('getQueueNames', undefined, undefined, () => this.inner.getQueueNames());
  }

  scanJobs(req: ScanRequest): Promise<JobInfo[]> {
    return this.run('scanJobs', req.queue, req.trace, (t) => this.inner.scanJobs(withTrace(req, t)));
  }

  retryFailedJobs(req: RetryFailedRequest): Promise<number> {
    return this.run('retryFailedJobs', req.queue, req.trace, (t) => this.inner.retryFailedJobs(withTrace(req, t)));
  }

  deleteJobs(req: DeleteJobsRequest): Promise<number> {
    return this.run('deleteJobs', req.queue, req.trace, (t) => this.inner.deleteJobs(withTrace(req, t)));
  }

  async runMonitorOnce(): Promise<MonitorReport> {
    return this.inner.runMonitorOnce();
  }

  health(): Promise<BackendHealth> {
    return this.inner.health();
  }

  exportJobs(req: ExportRequest): Promise<ExportPage> {
    return this.inner.exportJobs(req);
  }

  importJobs(queue: string, jobs: PortableJob[]): Promise<ImportResult[]> {
    return this.inner.importJobs(queue, jobs);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private labels(queue: string): Attributes {
    return { [ATTR.queue]: this.instruments.queueSeries(queue), [ATTR.backend]: this.system };
  }

  /**
   * One operation: a `backend <operation>` span, child of the request's trace (none for an
   * untraced request: background work such as the queue-depth sampler starts no traces), whose
   * context `fn` passes on; then its latency and outcome.
   */
  private async run<T>(operation: string, queue: string | undefined, parent: TraceContext | undefined, fn: (trace: TraceContext | undefined) => Promise<T>, batch?: number): Promise<T> {
    const started = performance.now();
    const attributes: Attributes = { [ATTR.operation]: operation, [ATTR.backend]: this.system };
    if (queue !== undefined) attributes[ATTR.queue] = this.instruments.latencyQueue(queue);
    try {
      const result = parent === undefined ? await fn(undefined) : await inSpan(SPANS.backendOperation, {
        parts: { operation }, attributes: batch === undefined ? attributes : { ...attributes, [ATTR.batchSize]: batch }, parent, onlyAsChild: true, collectStoreWork: true,
      }, (_span, ctx) => fn(ctx));
      this.instruments.backendDuration.record((performance.now() - started) / 1000, attributes);
      return result;
    } catch (e) {
      this.instruments.backendDuration.record((performance.now() - started) / 1000, { ...attributes, [ATTR.errorType]: errorTypeOf(e) });
      throw e;
    }
  }
}
