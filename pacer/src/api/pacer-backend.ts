import type { Pool } from 'mysql2/promise';
import type {
  BackendHealth, ExportPage, ExportRequest, ImportResult, MonitorReport, PinLaterBackend,
} from '../../../core/src/interfaces/pinlater-backend';
import type { JobMover } from '../../../core/src/interfaces/job-mover';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import type { JobInfo, PortableJob } from '../../../core/src/types/job';
import { JobState } from '../../../core/src/types/job-state';
import type {
  AckRequest, CheckpointRequest, CountRequest, DeleteJobsRequest, DequeueRequest, DequeueResult, EnqueueRequest,
  LookupRequest, RetryFailedRequest, ScanRequest,
} from '../../../core/src/types/requests';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { backendStatNames } from '../../../core/src/backend/backend-stat-names';
import { formatPacerDescriptor, isPacerDescriptor } from '../descriptors/pacer-descriptor';
import type { QueueRegistry} from '../datastore/queue-registry';
import type { CreateQueueOptions, QueueSettings } from '../datastore/queue-registry';
import { JobWriter, type JobRow } from '../datastore/job-writer';
import { ackItems, checkpointRefsOf, type AckItem } from '../datastore/job-acks';
import { ackInStore } from '../datastore/store-acks';
import { countJobs, exportJobs, lookupJobs, partitionsOf, scanJobs } from '../datastore/job-queries';
import { deleteJobs, retryFailed } from '../datastore/job-admin';
import { monitorPartition, type MonitorSettings } from '../datastore/partition-monitor';
import { selectRows } from '../datastore/mysql-pool';
import { leaseRuleSql, partitionLeases } from '../datastore/lease-read-rule';
import { DEFAULT_BODY_REGEX_TIMEOUT_MS, type BodyRegexLimit } from '../datastore/statement-time-limit';
import type { PendingHint } from '../datastore/job-refs';
import type { PartitionDirectory } from '../interfaces/partition-directory';
import type { BrokerClient } from '../interfaces/broker-client';
import { AckBatcher } from './ack-batcher';
import { DirectAcks } from './direct-acks';
import { ServedClaims } from './served-claims';
import { SettledNotices } from './settled-notices';
import { BrokerWriteRouter } from './broker-write-router';
import { BrokerNotifier } from './broker-notifier';
import { DequeueRouter } from './dequeue-router';
import { pacerStatNames } from './pacer-stat-names';
import type { DequeueRoutingHealth } from './dequeue-routing-health';
import { anyReadyJob } from './ready-probe';
import { selectPartitions } from './partition-selection';
import { PacerJobMover } from './pacer-job-mover';

export interface PacerBackendDeps {
  pool: Pool;
  registry: QueueRegistry;
  directory: PartitionDirectory;
  brokers: BrokerClient;
  clock: Clock;
  logger: Logger;
  stats: Stats;
  numPriorityLevels: number;
  countLimit: number;
  /** Server-side time limit of a count/scan/delete that runs a body regex (default DEFAULT_BODY_REGEX_TIMEOUT_MS). */
  bodyRegexTimeoutMs?: number;
  monitor: MonitorSettings;
  /** Closed by `close()` after the backend's own resources (embedded brokers, the pool, …). */
  onClose: () => Promise<void>;
  random?: () => number;
  /** Cluster mode: where refused dequeues are recorded for `/health`. */
  routingHealth?: DequeueRoutingHealth;
}

/**
 * Pacer's stateless API behind the PinLater contract: enqueue = batched INSERT + notify the owning
 * brokers; dequeue = ask the brokers; everything else = guarded SQL on the jobs table.
 */
export class PacerBackend implements PinLaterBackend {
  readonly kind = 'pacer' as const;
  readonly numPriorityLevels: number;
  private readonly writer: JobWriter;
  private readonly router: DequeueRouter;
  private readonly notifier: BrokerNotifier;
  private readonly acks: AckBatcher;
  /** Acks no direct write applied, failure acks and checkpoints: to the brokers owning their partitions. */
  private readonly writes: BrokerWriteRouter;
  /** Success acks of jobs this API served, written here as their broker claimed them (no broker hop). */
  private readonly direct: DirectAcks;
  private readonly random: () => number;
  private readonly regexLimit: BodyRegexLimit;
  private closing: Promise<void> | undefined;

  constructor(protected readonly deps: PacerBackendDeps) {
    this.numPriorityLevels = deps.numPriorityLevels;
    this.writer = new JobWriter(deps.pool);
    this.notifier = new BrokerNotifier(deps.directory, deps.brokers, deps.logger, deps.stats);
    const served = new ServedClaims();
    this.direct = new DirectAcks(deps.pool, deps.clock, served, new SettledNotices(
      (queue, refs) => this.notifier.notifySettled(queue, refs), (jobs) => deps.stats.incr(pacerStatNames.settledNoticeDropped, jobs),
    ), deps.stats);
    this.router = new DequeueRouter(deps.directory, deps.brokers, deps.logger, deps.stats, {
      clock: deps.clock,
      onServed: (jobs, leaseIds) => served.remember(jobs, leaseIds),
      readyProbe: (queue, partitions, priorities) => anyReadyJob(deps.pool, queue, partitions, priorities, deps.clock.nowMs()),
      ...(deps.routingHealth === undefined ? {} : { health: deps.routingHealth }),
    });
    this.writes = new BrokerWriteRouter(deps.directory, deps.brokers, deps.clock, (succeeded, failed) => this.ackInStore(succeeded, failed));
    this.acks = new AckBatcher(this.writes, this.direct);
    this.random = deps.random ?? Math.random;
    this.regexLimit = {
      limitMs: deps.bodyRegexTimeoutMs ?? DEFAULT_BODY_REGEX_TIMEOUT_MS,
      onExceeded: () => deps.stats.incr(pacerStatNames.bodyRegexTimeout),
    };
  }

  async createQueue(queue: string): Promise<void> {
    await this.deps.registry.create(queue);
  }

  /** Pacer-only: a queue with its own partition count, FIFO flag, rate limit, default attempts. */
  createQueueWithOptions(queue: string, options: CreateQueueOptions): Promise<QueueSettings> {
    return this.deps.registry.create(queue, options);
  }

  queueSettings(queue: string): Promise<QueueSettings | undefined> {
    return this.deps.registry.get(queue);
  }

  async deleteQueue(queue: string): Promise<void> {
    await this.deps.registry.delete(queue);
  }

  async enqueueJobs(req: EnqueueRequest): Promise<string[]> {
    const queue = await this.deps.registry.require(req.queue);
    for (const job of req.jobs) this.checkPriority(job.priority);
    const now = this.deps.clock.nowMs();
    const rows: JobRow[] = req.jobs.map((job) => ({
      queue: queue.name, partition: this.pickPartition(queue), priority: job.priority, state: JobState.PENDING,
      attemptsAllowed: job.attemptsAllowed, attemptsRemaining: job.attemptsAllowed, customStatus: job.customStatus,
      createdAtMs: now, updatedAtMs: now, runAfterMs: job.runAfterMs === undefined || job.runAfterMs === 0 ? now : job.runAfterMs, body: job.body,
    }));
    const ids = await this.writer.insert(rows);
    await this.notifyRows(queue.name, rows);
    return rows.map((r, i) => formatPacerDescriptor({ queue: queue.name, partition: r.partition, priority: r.priority, id: ids[i] as number }));
  }

  async dequeueJobs(req: DequeueRequest): Promise<DequeueResult> {
    const queue = await this.deps.registry.require(req.queue);
    const priorities = this.dequeuePriorities(req.onlyPriority);
    const partitions = selectPartitions(queue.numPartitions, req.coverage, this.random);
    // A dry run goes through the owners too: it answers what a dequeue would (dequeue-router.ts).
    const peek = req.dryRun ? (partition: number, priority: number, limit: number) => this.peek(queue.name, partition, priority, limit) : undefined;
    const jobs = await this.router.dequeue({
      queue: queue.name, partitions, priorities, limit: req.limit, claimDescriptor: req.claimDescriptor,
      ...(req.trace === undefined ? {} : { trace: req.trace }),
      ...(peek === undefined ? {} : { peek }),
    });
    return { jobs };
  }

  async ackDequeuedJobs(req: AckRequest): Promise<void> {
    if (req.succeeded.length === 0 && req.failed.length === 0) return;
    const queue = await this.deps.registry.require(req.queue);
    // Resolved before anything is written: a malformed descriptor fails the call, nothing acked.
    await this.acks.submit(ackItems(queue, req.succeeded), ackItems(queue, req.failed));
  }

  async checkpointJobs(req: CheckpointRequest): Promise<void> {
    if (req.items.length === 0) return;
    const queue = await this.deps.registry.require(req.queue);
    // Resolved before anything is written: a malformed descriptor fails the call, nothing applied.
    const refs = checkpointRefsOf(queue, req.items);
    this.direct.forget(refs); // the owning broker applies it (by lease: settled, and claimed again by a new one)
    const noops = await this.writes.checkpoint(queue.name, req.source, refs);
    this.countCheckpointNoops(queue.name, noops);
  }

  lookupJobs(req: LookupRequest): Promise<Map<string, JobInfo>> {
    return lookupJobs(this.deps.pool, (q) => this.deps.registry.requireForQuery(q), req);
  }

  async getJobCount(req: CountRequest): Promise<number> {
    const queue = await this.deps.registry.requireForQuery(req.queue);
    return countJobs(this.deps.pool, queue, req, this.deps.clock.nowMs(), this.deps.countLimit, this.regexLimit);
  }

  async getQueueNames(): Promise<Set<string>> {
    return new Set(await this.deps.registry.list());
  }

  async scanJobs(req: ScanRequest): Promise<JobInfo[]> {
    const queue = await this.deps.registry.requireForQuery(req.queue);
    return scanJobs(this.deps.pool, queue, req, this.deps.clock.nowMs(), this.regexLimit);
  }

  async retryFailedJobs(req: RetryFailedRequest): Promise<number> {
    const queue = await this.deps.registry.requireForQuery(req.queue);
    const now = this.deps.clock.nowMs();
    const n = await retryFailed(this.deps.pool, queue, req, now);
    if (n > 0) await this.notifier.notify(queue.name, partitionsOf(queue).map((p) => ({ partition: p, runAfterMs: req.runAfterMs ?? now })), [req.priority]);
    return n;
  }

  async deleteJobs(req: DeleteJobsRequest): Promise<number> {
    const queue = await this.deps.registry.requireForQuery(req.queue);
    return deleteJobs(this.deps.pool, queue, req, this.regexLimit);
  }

  ownsDescriptor(descriptor: string): boolean {
    return isPacerDescriptor(descriptor);
  }

  /** Admin pass over every partition of every queue (brokers run their own, fenced, on a timer). */
  async runMonitorOnce(): Promise<MonitorReport> {
    const report: MonitorReport = { queues: {}, skippedShards: [] };
    const now = this.deps.clock.nowMs();
    for (const name of await this.deps.registry.list()) {
      const queue = await this.deps.registry.get(name);
      if (queue === undefined) continue;
      const totals = { timeoutDone: 0, timeoutRetry: 0, timeoutEvicted: 0, succeededGc: 0, failedGc: 0 };
      const hints: PendingHint[] = [];
      for (const p of partitionsOf(queue)) {
        try {
          const c = await monitorPartition(this.deps.pool, this.deps.monitor, name, p, now, null);
          if (c === undefined) continue;
          totals.timeoutDone += c.timeoutDone;
          totals.timeoutRetry += c.timeoutRetry;
          totals.succeededGc += c.succeededGc;
          totals.failedGc += c.failedGc;
          if (c.timeoutRetry > 0) hints.push({ partition: p, runAfterMs: now });
        } catch (e) {
          report.skippedShards.push({ shard: `${name}/pacer${p}`, reason: coerceError(e).message });
        }
      }
      report.queues[name] = totals;
      await this.notifier.notify(name, hints);
    }
    return report;
  }

  async health(): Promise<BackendHealth> {
    try {
      await selectRows(this.deps.pool, 'SELECT 1', []);
      return { kind: 'pacer', healthy: true, shards: [{ shard: 'pacer-mysql', healthy: true, dequeueOnly: false }] };
    } catch (e) {
      return { kind: 'pacer', healthy: false, shards: [{ shard: 'pacer-mysql', healthy: false, dequeueOnly: false, detail: coerceError(e).message }] };
    }
  }

  exportJobs(req: ExportRequest): Promise<ExportPage> {
    return exportJobs(this.deps.pool, req);
  }

  /** Exactly-once moves in and out of Pacer for the migration copier (pacer-job-mover.ts). */
  jobMover(): JobMover {
    return new PacerJobMover({
      pool: this.deps.pool, registry: this.deps.registry, writer: this.writer, notifier: this.notifier,
      numPriorityLevels: this.numPriorityLevels, random: this.random,
    });
  }

  /** Imports jobs with all their metadata (state, attempts, status, times, claim). */
  async importJobs(queueName: string, jobs: PortableJob[]): Promise<ImportResult[]> {
    if (jobs.length === 0) return [];
    const queue = await this.deps.registry.require(queueName);
    for (const job of jobs) this.checkPriority(job.priority);
    const rows: JobRow[] = jobs.map((j) => ({
      queue: queue.name, partition: this.pickPartition(queue), priority: j.priority, state: j.state,
      ...(j.claimDescriptor === undefined ? {} : { claimDescriptor: j.claimDescriptor }),
      attemptsAllowed: j.attemptsAllowed, attemptsRemaining: j.attemptsRemaining, customStatus: j.customStatus,
      createdAtMs: j.createdAtMs, updatedAtMs: j.updatedAtMs, runAfterMs: j.runAfterMs, body: j.body,
    }));
    const ids = await this.writer.insert(rows);
    await this.notifyRows(queue.name, rows.filter((r) => r.state === JobState.PENDING));
    return rows.map((r, i) => ({
      sourceDescriptor: (jobs[i] as PortableJob).sourceDescriptor,
      descriptor: formatPacerDescriptor({ queue: queue.name, partition: r.partition, priority: r.priority, id: ids[i] as number }),
    }));
  }

  close(): Promise<void> {
    this.closing ??= this.acks.flushed().then(() => this.direct.close()).then(() => this.deps.onClose());
    return this.closing;
  }

  /** A dry run's read of one partition and priority: its first `limit` ready jobs, nothing claimed. */
  private async peek(queue: string, partition: number, priority: number, limit: number): Promise<DequeueResult['jobs']> {
    const params = [queue, partition, priority, this.deps.clock.nowMs(), ...partitionLeases(queue, partition), limit];
    const rows = await selectRows(this.deps.pool, leaseRuleSql('dry-run'), params);
    return rows.map((r) => ({
      descriptor: formatPacerDescriptor({ queue, partition, priority, id: Number(r.id) }),
      body: r.body as Buffer, attemptsAllowed: Number(r.attempts_allowed), attemptsRemaining: Number(r.attempts_remaining),
      createdAtMs: Number(r.created_at_ms), updatedAtMs: Number(r.updated_at_ms),
    }));
  }

  /** Lease mode: acks no broker could take, written here (store-acks.ts); brokers are told about retries. */
  private async ackInStore(succeeded: AckItem[], failed: AckItem[]): Promise<void> {
    this.deps.stats.incr(pacerStatNames.acksWithoutBroker, succeeded.length + failed.length);
    const hints = await ackInStore(this.deps.pool, succeeded, failed, this.deps.clock.nowMs());
    await Promise.all(hints.map((q) => this.notifier.notify(q.queue, q.hints)));
  }

  private countCheckpointNoops(queue: string, noops: number): void {
    if (noops > 0) this.deps.stats.incr(backendStatNames.checkpointNoop(this.deps.stats.queueSeries(queue)), noops);
  }

  private notifyRows(queue: string, rows: JobRow[]): Promise<void> {
    return this.notifier.notifyRows(queue, rows);
  }

  /** Every priority, highest first (PinLater), or only `onlyPriority` (a routing gateway's interleaving). */
  private dequeuePriorities(onlyPriority: number | undefined): number[] {
    if (onlyPriority === undefined) return Array.from({ length: this.numPriorityLevels }, (_, i) => i + 1);
    this.checkPriority(onlyPriority);
    return [onlyPriority];
  }

  private pickPartition(queue: QueueSettings): number {
    return queue.numPartitions === 1 ? 0 : Math.floor(this.random() * queue.numPartitions);
  }

  private checkPriority(priority: number): void {
    if (!Number.isInteger(priority) || priority < 1 || priority > this.numPriorityLevels) {
      throw new PinLaterError(ErrorCode.PRIORITY_NOT_SUPPORTED, String(priority));
    }
  }
}
