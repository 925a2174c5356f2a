import { parseDescriptor, formatDescriptor, type JobDescriptor } from '../descriptors/job-descriptor';
import { issuerOfShard } from '../descriptors/issuer';
import { ErrorCode } from '../errors/error-code';
import { PinLaterError } from '../errors/pinlater-error';
import type {
  BackendHealth,
  ExportPage,
  ExportRequest,
  ImportResult,
  MonitorReport,
  PinLaterBackend,
} from '../interfaces/pinlater-backend';
import type { JobMover } from '../interfaces/job-mover';
import type { ShardStore } from '../interfaces/shard-store';
import type { DequeuedJob, JobInfo, NewJob, PortableJob } from '../types/job';
import { DEFAULT_BODY_FILTER_STEP_BUDGET } from '../types/legacy-backend-options';
import type {
  AckInfo,
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
  ScanRequest,
} from '../types/requests';
import { mapBounded } from '../util/map-bounded';
import { StepBudget } from '../util/step-budget';
import { javaRound } from '../util/java-round';
import { pickRandom, shuffled } from '../util/shuffle';
import { withRetries } from '../util/with-retries';
import { backendStatNames, type RetriedOperation } from './backend-stat-names';
import { decodeExportCursor, encodeExportCursor } from './export-cursor';
import { MonitorScheduler } from './monitor-scheduler';
import { ShardedJobMover } from './sharded-job-mover';
import { mergeScanResults } from './scan-merge';
import type { ShardedBackendOptions } from './sharded-backend-options';

const DEFAULT_BATCH_CONCURRENCY = 100;

/**
 * PinLater's base layer (`PinLaterBackendBase`, FACTS §3) over a set of legacy shard stores:
 * batching, per-job random shard choice, shuffled priority-major dequeue with coverage,
 * auto-retries, scan merging, retry/delete loops and the monitor schedule.
 */
export class ShardedBackend implements PinLaterBackend {
  readonly kind: ShardedBackendOptions['kind'];
  readonly numPriorityLevels: number;
  private readonly random: () => number;
  /** Operations of one batch request in flight at once (see `mapBounded`). */
  private readonly batchConcurrency: number;
  private readonly monitor: MonitorScheduler;
  private closed = false;

  constructor(private readonly options: ShardedBackendOptions) {
    this.kind = options.kind;
    this.numPriorityLevels = options.settings.numPriorityLevels;
    this.random = options.random ?? Math.random;
    this.batchConcurrency = options.settings.batchConcurrency ?? DEFAULT_BATCH_CONCURRENCY;
    this.monitor = new MonitorScheduler({
      periodMs: options.settings.monitor.periodMs,
      enabled: options.settings.monitor.enabled,
      random: this.random,
      run: () => this.runMonitorOnce(),
      logger: options.logger,
    });
  }

  private stores(): readonly ShardStore[] {
    return this.options.shards.current();
  }

  private storeFor(shard: string): ShardStore {
    const store = this.stores().find((s) => s.name === shard);
    if (!store) throw new PinLaterError(ErrorCode.UNKNOWN, `java.lang.NullPointerException: unknown shard '${shard}'`);
    return store;
  }

  private retry<T>(op: RetriedOperation, store: () => ShardStore, fn: (s: ShardStore) => Promise<T>): Promise<T> {
    let current: ShardStore | undefined;
    return withRetries(
      () => fn((current = store())),
      this.options.settings.autoRetries,
      (e) => current?.isRetriable(e) ?? false,
      () => this.options.stats.incr(backendStatNames.failuresRetry(op)),
    );
  }

  async createQueue(queue: string): Promise<void> {
    for (const store of this.stores()) await store.createQueue(queue);
    await this.options.hooks.afterCreateQueue?.(queue);
  }

  async deleteQueue(queue: string): Promise<void> {
    for (const store of this.stores()) await store.deleteQueue(queue);
    await this.options.hooks.afterDeleteQueue?.(queue);
  }

  async enqueueJobs(req: EnqueueRequest): Promise<string[]> {
    await this.options.hooks.beforeEnqueue?.(req.queue);
    return mapBounded(req.jobs, this.batchConcurrency, (job) => this.enqueueOne(req.queue, job));
  }

  private async enqueueOne(queue: string, job: NewJob): Promise<string> {
    this.checkPriority(job.priority);
    let shard = '';
    const localId = await this.retry('enqueue', () => this.pickEnqueueShard(), (s) => {
      shard = s.name;
      return s.enqueue(queue, job);
    });
    return formatDescriptor({ queue, shard, priority: job.priority, localId });
  }

  private checkPriority(priority: number): void {
    if (priority >= 1 && priority <= this.numPriorityLevels) return;
    this.options.stats.incr(backendStatNames.priorityNotSupportedEnqueue[this.kind]);
    throw new PinLaterError(ErrorCode.PRIORITY_NOT_SUPPORTED, String(priority));
  }

  private pickEnqueueShard(): ShardStore {
    const store = pickRandom(this.options.hooks.enqueueCandidates(this.stores()), this.random);
    if (!store) throw this.options.hooks.onNoEnqueueShard();
    return store;
  }

  async dequeueJobs(req: DequeueRequest): Promise<DequeueResult> {
    const selected = this.selectDequeueShards(req.coverage);
    const jobs: DequeuedJob[] = [];
    for (const priority of this.prioritiesOf(req.onlyPriority)) {
      for (const store of selected) {
        const needed = req.limit - jobs.length;
        if (needed <= 0) return { jobs };
        if (!store.isHealthy()) {
          this.options.stats.incr(backendStatNames.unhealthyShardDequeue[this.kind]);
          continue;
        }
        const got = await this.retry('dequeue', () => store, (s) =>
          req.dryRun ? s.peek(req.queue, priority, needed) : s.dequeue(req.queue, priority, needed, req.claimDescriptor),
        );
        for (const j of got) {
          const { localId, ...rest } = j;
          jobs.push({ ...rest, descriptor: formatDescriptor({ queue: req.queue, shard: store.name, priority, localId }) });
        }
      }
    }
    return { jobs };
  }

  /** Shuffle every shard (dequeueOnly included) and keep `Math.round(n × coverage)` (FACTS §3.6). */
  private selectDequeueShards(coverage: number): ShardStore[] {
    const all = shuffled(this.stores(), this.random);
    const count = javaRound(all.length * coverage);
    if (count < 0 || count > all.length) {
      throw new PinLaterError(ErrorCode.UNKNOWN, `java.lang.IndexOutOfBoundsException: toIndex = ${count}`);
    }
    return all.slice(0, count);
  }

  async ackDequeuedJobs(req: AckRequest): Promise<void> {
    await Promise.all([
      mapBounded(req.succeeded, this.batchConcurrency, (a) => this.ackOne(req.queue, a, true)),
      mapBounded(req.failed, this.batchConcurrency, (a) => this.ackOne(req.queue, a, false)),
    ]);
  }

  /** Uses the request's queue with the descriptor's shard, priority and id (FACTS §4.1). */
  private async ackOne(queue: string, ack: AckInfo, succeeded: boolean): Promise<void> {
    const d = parseDescriptor(ack.descriptor);
    const store = this.storeFor(d.shard);
    await this.retry('ack', () => store, (s) =>
      succeeded
        ? s.ackSucceeded(queue, d.priority, d.localId, ack.appendCustomStatus)
        : s.ackFailed(queue, d.priority, d.localId, ack.appendCustomStatus, ack.retryDelayMs),
    );
  }

  async checkpointJobs(req: CheckpointRequest): Promise<void> {
    await mapBounded(req.items, this.batchConcurrency, (item) => this.checkpointOne(req, item));
  }

  private async checkpointOne(req: CheckpointRequest, item: CheckpointItem): Promise<void> {
    const d = parseDescriptor(item.descriptor);
    const store = this.storeFor(d.shard);
    const matched = await this.retry('checkpoint', () => store, (s) => s.checkpoint(req.queue, d.priority, d.localId, req.source, item));
    if (!matched) this.options.stats.incr(backendStatNames.checkpointNoop(this.options.stats.queueSeries(req.queue)));
  }

  /**
   * At most `batchConcurrency` lookups in flight (PinLater: one per descriptor, all at once), so a
   * call with thousands of descriptors cannot monopolise a store's connections or queue commands
   * past their socket timeout for everyone else (issue 8, finding 3).
   */
  async lookupJobs(req: LookupRequest): Promise<Map<string, JobInfo>> {
    const lookup = (text: string): Promise<JobInfo | null> => this.lookupOne(text, req.includeBody);
    const found =
      req.descriptors.length <= this.batchConcurrency
        ? await Promise.all(req.descriptors.map(lookup))
        : await mapBounded(req.descriptors, this.batchConcurrency, lookup);
    const result = new Map<string, JobInfo>();
    req.descriptors.forEach((text, i) => {
      const info = found[i];
      if (info) result.set(text, info);
    });
    return result;
  }

  private async lookupOne(text: string, includeBody: boolean): Promise<JobInfo | null> {
    const d = parseDescriptor(text);
    const info = await this.storeFor(d.shard).lookup(d.queue, d.priority, d.localId, includeBody);
    return info ? { ...info, descriptor: formatDescriptor(d) } : null;
  }

  async getJobCount(req: CountRequest): Promise<number> {
    const priorities = this.prioritiesOf(req.priority);
    const budget = this.bodyFilterBudget(req.bodyRegex);
    const counts = await Promise.all(
      this.stores().flatMap((s) => priorities.map((p) => s.count(req.queue, p, req.state, req.future, req.bodyRegex, budget))),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  private prioritiesOf(priority: number | undefined): number[] {
    if (priority !== undefined) return [priority];
    return Array.from({ length: this.numPriorityLevels }, (_, i) => i + 1);
  }

  async getQueueNames(): Promise<Set<string>> {
    const source = this.options.hooks.queueNameSource(this.stores());
    if (source) {
      const names = await source.listQueues();
      this.options.hooks.afterListQueues?.(names);
      return names;
    }
    const fallback = this.options.hooks.onNoQueueNameSource();
    if (fallback instanceof Error) throw fallback;
    return fallback;
  }

  async scanJobs(req: ScanRequest): Promise<JobInfo[]> {
    const priorities = this.prioritiesOf(req.priority);
    const budget = this.bodyFilterBudget(req.bodyRegex);
    const perShard = await Promise.all(this.stores().map((s) => this.scanShard(s, req, priorities, budget)));
    return mergeScanResults(perShard, req.limit);
  }

  private async scanShard(store: ShardStore, req: ScanRequest, priorities: number[], budget: StepBudget | undefined): Promise<JobInfo[]> {
    const perPriority = await Promise.all(
      priorities.map(async (priority) => {
        const jobs = await store.scan(req.queue, priority, req.state, req.future, req.limit, req.bodyRegex, budget);
        return jobs.map(({ localId, ...info }) => ({
          ...info,
          state: req.state,
          descriptor: formatDescriptor({ queue: req.queue, shard: store.name, priority, localId }),
        }));
      }),
    );
    return mergeScanResults(perPriority, req.limit);
  }

  async retryFailedJobs(req: RetryFailedRequest): Promise<number> {
    const runAfterMs = req.runAfterMs ?? this.options.clock.nowMs();
    return this.consumeAcrossShards(req.limit, (s, remaining) =>
      s.retryFailed(req.queue, req.priority, remaining, req.attemptsToAllow, runAfterMs),
    );
  }

  async deleteJobs(req: DeleteJobsRequest): Promise<number> {
    const budget = this.bodyFilterBudget(req.bodyRegex);
    return this.consumeAcrossShards(req.limit, (s, remaining) => s.deleteJobs(req.queue, req.priority, req.state, remaining, req.bodyRegex, budget));
  }

  /** One budget per request for a body filter evaluated in the gateway, shared by all its shards. */
  private bodyFilterBudget(bodyRegex: string | undefined): StepBudget | undefined {
    if (bodyRegex === undefined) return undefined;
    return new StepBudget(this.options.settings.redisBodyFilterStepBudget ?? DEFAULT_BODY_FILTER_STEP_BUDGET);
  }

  /** A global limit consumed shard by shard in random order (FACTS §3.8). */
  private async consumeAcrossShards(limit: number, fn: (s: ShardStore, remaining: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (const store of shuffled(this.stores(), this.random)) {
      if (total >= limit) break;
      total += await fn(store, limit - total);
    }
    return total;
  }

  ownsDescriptor(descriptor: string): boolean {
    let d: JobDescriptor;
    try {
      d = parseDescriptor(descriptor);
    } catch {
      return false;
    }
    return issuerOfShard(d.shard) === 'legacy' && this.stores().some((s) => s.name === d.shard);
  }

  async runMonitorOnce(): Promise<MonitorReport> {
    const { monitor } = this.options.settings;
    const settings = { ...monitor, runStartMs: this.options.clock.nowMs() };
    const report: MonitorReport = { queues: {}, skippedShards: [] };
    for (const store of this.stores()) {
      const result = await store.runMonitor(this.numPriorityLevels, settings).catch((e: unknown) => ({
        queues: {},
        error: e instanceof Error ? e.message : String(e),
      }));
      if (result.error) report.skippedShards.push({ shard: store.name, reason: result.error });
      this.addMonitorCounts(report, result.queues);
    }
    return report;
  }

  private addMonitorCounts(report: MonitorReport, queues: MonitorReport['queues']): void {
    for (const [queue, c] of Object.entries(queues)) {
      const total = (report.queues[queue] ??= { timeoutDone: 0, timeoutRetry: 0, timeoutEvicted: 0, succeededGc: 0, failedGc: 0 });
      total.timeoutDone += c.timeoutDone;
      total.timeoutRetry += c.timeoutRetry;
      total.timeoutEvicted += c.timeoutEvicted;
      total.succeededGc += c.succeededGc;
      total.failedGc += c.failedGc;
      const { stats } = this.options;
      const series = stats.queueSeries(queue);
      stats.incr(backendStatNames.timeoutDone(series), c.timeoutDone);
      stats.incr(backendStatNames.timeoutRetry(series), c.timeoutRetry);
      if (this.kind === 'legacy-redis') stats.incr(backendStatNames.timeoutEvict(series), c.timeoutEvicted);
      stats.incr(backendStatNames.succeededGc(series), c.succeededGc);
      stats.incr(backendStatNames.failedGc(series), c.failedGc);
    }
  }

  async health(): Promise<BackendHealth> {
    const shards = this.stores().map((s) => ({ shard: s.name, healthy: s.isHealthy(), dequeueOnly: s.dequeueOnly }));
    return { kind: this.kind, healthy: shards.length > 0 && shards.some((s) => s.healthy), shards };
  }

  async exportJobs(req: ExportRequest): Promise<ExportPage> {
    const stores = this.stores();
    const cursor = decodeExportCursor(req.cursor);
    const store = stores[cursor.shardIndex];
    if (!store) return { jobs: [] };
    const page = await store.exportJobs(req.queue, req.priority, req.state, cursor.shardCursor, req.limit);
    const jobs: PortableJob[] = page.jobs.map(({ localId, ...job }) => ({
      ...job,
      queue: req.queue,
      sourceDescriptor: formatDescriptor({ queue: req.queue, shard: store.name, priority: req.priority, localId }),
    }));
    const nextCursor =
      page.nextCursor !== undefined
        ? encodeExportCursor({ shardIndex: cursor.shardIndex, shardCursor: page.nextCursor })
        : cursor.shardIndex + 1 < stores.length
          ? encodeExportCursor({ shardIndex: cursor.shardIndex + 1 })
          : undefined;
    return nextCursor === undefined ? { jobs } : { jobs, nextCursor };
  }

  /** Exactly-once moves over this cluster's shards (sharded-job-mover.ts). */
  jobMover(): JobMover {
    return new ShardedJobMover({
      stores: () => this.stores(),
      pickStageShard: () => this.pickEnqueueShard(),
      storeFor: (shard) => this.storeFor(shard),
      numPriorityLevels: this.numPriorityLevels,
      random: this.random,
    });
  }

  async importJobs(queue: string, jobs: PortableJob[]): Promise<ImportResult[]> {
    if (jobs.length === 0) return [];
    jobs.forEach((j) => this.checkPriority(j.priority));
    const store = this.pickEnqueueShard();
    const ids = await store.importJobs(queue, jobs);
    return jobs.map((job, i) => ({
      sourceDescriptor: job.sourceDescriptor,
      descriptor: formatDescriptor({ queue, shard: store.name, priority: job.priority, localId: ids[i] as number }),
    }));
  }

  /** Starts the monitor schedule (if enabled in settings). */
  start(): void {
    this.monitor.start();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.monitor.stop();
    await this.options.hooks.close?.();
    await Promise.all(this.stores().map((s) => s.close()));
  }
}
