import { silentLogger, type Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import { renderUntrusted } from '../../../core/src/util/render-untrusted';
import type { QueueLimitsSnapshot } from '../../../migration/index';
import type { DequeueRateLimiter } from '../service/pinlater-service-impl';
import type { LimitsReport, QueueLimitInForce } from './limits-report';
import type { QueueConfigSchema } from './queue-config-schema';
import { ALLOW_NONE, type QueueLimiter } from './queue-limiter';
import { SmoothBurstyLimiter } from './smooth-bursty-limiter';
import { ZookeeperQueueLimits, type AppliedZookeeperLimit } from './zookeeper-queue-limits';

interface FileLimit {
  readonly fleetRate: number;
  readonly limiter: QueueLimiter;
}

/**
 * A gateway's dequeue rate limits, from two sources (docs/rate-limits.md):
 *
 * - **queue_config.json**, exactly PinLaterQueueConfig (FACTS §3.7): per-queue limiters with
 *   rate = maxJobsPerSecond / number of servers (the serverset file). Queues without a configured
 *   rate are always allowed. A new config or a changed server count rebuilds every one of these
 *   limiters (fresh state); a config whose `queues` is null/empty keeps the old limiters.
 * - **ZooKeeper** (routing gateways, `applyZookeeperLimits`): the operator's fleet-wide limits,
 *   divided by the number of live gateways (zookeeper-queue-limits.ts).
 *
 * When both name a queue, the ZooKeeper limit wins (the fleet-wide operator action, e.g. a pause);
 * that is logged once per queue each time it starts. The file's limiters are kept untouched
 * meanwhile, so clearing the ZooKeeper limit brings the file's back as it was.
 */
export class QueueRateLimits implements DequeueRateLimiter {
  private schema: QueueConfigSchema | undefined;
  private numServers = 1;
  private fileLimits = new Map<string, FileLimit>();
  private readonly zookeeper: ZookeeperQueueLimits;
  private zookeeperEnabled = false;
  /** Queues whose ZooKeeper limit shadows the file's, already logged. */
  private readonly shadowed = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger = silentLogger(),
    /** QUEUE_CONFIG_FILE_PATH is set (for the report only). */
    private readonly queueConfigEnabled = false,
  ) {
    this.zookeeper = new ZookeeperQueueLimits(clock);
  }

  /** Callers check PinLater's preconditions (non-blank queue, limit > 0) first. */
  allowDequeue(queue: string, limit: number): boolean {
    const limiter = this.zookeeper.limitOf(queue)?.limiter ?? this.fileLimits.get(queue)?.limiter;
    return limiter ? limiter.tryAcquire(limit) : true;
  }

  /** The per-server rate in force, `undefined` when the queue is not limited. */
  rateOf(queue: string): number | undefined {
    return (this.zookeeper.limitOf(queue)?.limiter ?? this.fileLimits.get(queue)?.limiter)?.rate;
  }

  get serverCount(): number {
    return this.numServers;
  }

  setQueueConfig(schema: QueueConfigSchema): void {
    this.schema = schema;
    this.rebuild();
  }

  /** An empty serverset is ignored (keeps the old size); an unchanged size changes nothing. */
  setServerCount(count: number): void {
    if (count <= 0 || count === this.numServers) return;
    this.numServers = count;
    this.rebuild();
  }

  /** The queue limits in ZooKeeper as a routing gateway reads them (migration/index.ts ZkLimitSource). */
  applyZookeeperLimits(snapshot: QueueLimitsSnapshot): void {
    this.zookeeperEnabled = true;
    this.zookeeper.apply(snapshot);
    this.logShadowed();
  }

  /** `/limits` (limits-report.ts), without the gateway id (the process adds it). */
  report(): Omit<LimitsReport, 'gatewayId'> {
    const zk = this.zookeeper.current;
    const queues: QueueLimitInForce[] = [];
    for (const [queue, applied] of this.zookeeper.queues()) queues.push(this.zookeeperEntry(queue, applied, zk?.gatewayCount ?? 1));
    for (const [queue, file] of this.fileLimits) {
      if (this.zookeeper.limitOf(queue) === undefined) queues.push(this.fileEntry(queue, file));
    }
    queues.sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0));
    return {
      zookeeper: {
        enabled: this.zookeeperEnabled, loaded: zk !== undefined, limitsVersion: zk?.limitsVersion ?? null, gatewayCount: zk?.gatewayCount ?? null,
        invalidRecords: zk?.invalidRecords ?? 0, limitsNodeMissing: zk?.limitsNodeMissing ?? false,
      },
      queueConfig: { enabled: this.queueConfigEnabled, serverCount: this.numServers },
      queues,
    };
  }

  private zookeeperEntry(queue: string, applied: AppliedZookeeperLimit, gatewayCount: number): QueueLimitInForce {
    const { record } = applied;
    const file = this.fileLimits.get(queue);
    return {
      queue, source: 'zookeeper', fleetMaxJobsPerSecond: record.maxJobsPerSecond, perGatewayMaxJobsPerSecond: applied.perGatewayRate,
      dividedBy: Math.max(1, gatewayCount), paused: applied.paused, recordVersion: record.version, changedBy: record.changedBy, changedAt: record.changedAt,
      reason: record.reason, ...(file === undefined ? {} : { overridesQueueConfig: { fleetMaxJobsPerSecond: file.fleetRate } }),
    };
  }

  private fileEntry(queue: string, file: FileLimit): QueueLimitInForce {
    return {
      queue, source: 'queue_config', fleetMaxJobsPerSecond: file.fleetRate, perGatewayMaxJobsPerSecond: file.limiter.rate,
      dividedBy: this.numServers, paused: file.limiter === ALLOW_NONE,
    };
  }

  private rebuild(): void {
    const queues = this.schema?.queues;
    if (!queues || queues.length === 0) return;
    const next = new Map<string, FileLimit>();
    for (const q of queues) {
      const rate = q.maxJobsPerSecond / this.numServers;
      next.set(q.name, { fleetRate: q.maxJobsPerSecond, limiter: rate > 0 ? new SmoothBurstyLimiter(rate, this.clock) : ALLOW_NONE });
    }
    this.fileLimits = next;
    this.logShadowed();
  }

  /** Logs each queue whose ZooKeeper limit starts shadowing queue_config.json's, once. */
  private logShadowed(): void {
    for (const queue of this.shadowed) {
      if (this.zookeeper.limitOf(queue) === undefined || !this.fileLimits.has(queue)) this.shadowed.delete(queue);
    }
    for (const [queue, applied] of this.zookeeper.queues()) {
      const file = this.fileLimits.get(queue);
      if (file === undefined || this.shadowed.has(queue)) continue;
      this.shadowed.add(queue);
      this.logger.info(
        { queue: renderUntrusted(queue), zookeeper: { maxJobsPerSecond: applied.record.maxJobsPerSecond, paused: applied.paused, version: applied.record.version }, queueConfig: { maxJobsPerSecond: file.fleetRate } },
        'queue limit from ZooKeeper overrides queue_config.json for this queue (the ZooKeeper limit wins while it exists)',
      );
    }
  }
}
