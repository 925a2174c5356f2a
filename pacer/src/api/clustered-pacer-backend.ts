import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import type { BackendHealth } from '../../../core/src/interfaces/pinlater-backend';
import type { CreateQueueOptions, QueueSettings } from '../datastore/queue-registry';
import { addPartitionOwners, publishQueuePartitions } from '../datastore/queue-partitions';
import { queuePartitionCounts } from '../datastore/queue-partition-counts';
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { ZkClusterRouting } from '../coordination/zk-cluster-routing';
import { PacerBackend } from './pacer-backend';
import type { PacerBackendDeps } from './pacer-backend';
import type { DequeueRoutingHealth } from './dequeue-routing-health';
import { dequeueRoutingHealth, type DequeueRoutingStatus } from './dequeue-routing-status';
import type { OwnershipSnapshot, PartitionOwnerWatch } from './partition-owner-watch';

/**
 * `/health` of a clustered Pacer gateway (docs/health.md): ready (200) while MySQL answers and
 * every partition of every queue has a live owner in the routing view (a grace period covers
 * hand-offs); `unserved` names what is not; `ownership` and `dequeueRouting` (recent refusals,
 * the ZooKeeper connection) are informational.
 */
export interface PacerClusterHealth extends BackendHealth {
  readonly dequeueRouting: DequeueRoutingStatus;
  /** Absent while MySQL does not answer (the queue list comes from it). */
  readonly ownership?: OwnershipSnapshot;
}

/** A clustered backend's dependencies: the routing is also its partition directory. */
export interface ClusteredPacerBackendDeps extends PacerBackendDeps {
  readonly routing: ZkClusterRouting;
  readonly routingHealth: DequeueRoutingHealth;
  /** Which partitions have been without a live owner past the grace period (readiness). */
  readonly owners: PartitionOwnerWatch;
}

/** Longest createQueue waits for the controller to assign the new queue's partitions. */
const QUEUE_READY_TIMEOUT_MS = 5000;
/** How long growing a queue waits for brokers to serve its new partitions before it refuses. */
const GROW_SERVED_TIMEOUT_MS = 30_000;

/**
 * The Pacer backend of a ZooKeeper-coordinated cluster: routing comes from the cluster's external
 * view (`deps.directory` is the `ZkClusterRouting`), and queue lifecycle flows through ideal
 * states: a queue is created in MySQL first (so a broker going ONLINE finds its ownership rows),
 * then registered as a resource; deletion removes the resource first (brokers release the
 * partitions), then the rows; partition growth adds the rows, then NUM_PARTITIONS.
 */
export class ClusteredPacerBackend extends PacerBackend {
  private readonly routing: ZkClusterRouting;
  private readonly routingHealth: DequeueRoutingHealth;
  private readonly owners: PartitionOwnerWatch;

  constructor(deps: ClusteredPacerBackendDeps) {
    super(deps);
    this.routing = deps.routing;
    this.routingHealth = deps.routingHealth;
    this.owners = deps.owners;
  }

  /**
   * Unready (503) while MySQL does not answer, or while a partition of a queue has had no live
   * owner for longer than the grace period, or the routing view has been stale past the session
   * timeout + grace (`unserved` names the queues and partitions, bounded). Jobs of such a
   * partition can be enqueued but not dequeued: a gateway that says "ready" then hides an outage.
   * `dequeueRouting` says how dequeues fared lately (refusals, the ZooKeeper connection).
   */
  override async health(): Promise<PacerClusterHealth> {
    const base = await super.health();
    const dequeueRouting = dequeueRoutingHealth(this.routing.status(), this.routingHealth.snapshot());
    if (!base.healthy) return { ...base, status: 'unready', dequeueRouting };
    let queues;
    try {
      queues = await queuePartitionCounts(this.deps.pool);
    } catch (e) {
      return { ...base, healthy: false, status: 'unready', shards: [{ shard: 'pacer-mysql', healthy: false, dequeueOnly: false, detail: coerceError(e).message }], dequeueRouting };
    }
    const { ownership, unserved } = this.owners.judge(queues);
    if (unserved === undefined) return { ...base, status: 'ok', ownership, dequeueRouting };
    return { ...base, healthy: false, status: 'unready', unserved, ownership, dequeueRouting };
  }

  /** Makes every queue of the registry a resource (queues created before cluster mode); the owner watch learns them. */
  async syncQueues(): Promise<void> {
    const queues = await queuePartitionCounts(this.deps.pool);
    for (const q of queues) await this.routing.addQueue(q.name, q.numPartitions);
    this.owners.track(queues);
  }

  override async createQueue(queue: string): Promise<void> {
    await this.createQueueWithOptions(queue, {});
  }

  override async createQueueWithOptions(queue: string, options: CreateQueueOptions): Promise<QueueSettings> {
    const settings = await super.createQueueWithOptions(queue, options);
    await this.routing.addQueue(settings.name, settings.numPartitions);
    // Like PinLater, a queue is usable when createQueue returns: wait (bounded) until the
    // controller has brokers serving its partitions; without live brokers, return anyway.
    await this.routing.waitUntilServed(settings.name, settings.numPartitions, QUEUE_READY_TIMEOUT_MS);
    return settings;
  }

  override async deleteQueue(queue: string): Promise<void> {
    await this.routing.removeQueue(queue);
    await super.deleteQueue(queue);
  }

  /**
   * Pacer-only: grows a queue's partitions (shrinking is refused; see queue-partitions.ts). The
   * new partitions get owner rows and join the ideal state; only once brokers serve them does the
   * queue's count grow, so enqueues never land where no broker dequeues. Not served within
   * GROW_SERVED_TIMEOUT_MS: refused with the queue still at its old count (running it again
   * finishes the growth).
   */
  async setQueuePartitions(queue: string, count: number): Promise<void> {
    const current = await addPartitionOwners(this.deps.pool, this.deps.clock, queue, count);
    if (count > current) {
      await this.routing.setQueuePartitions(queue, count);
      if (!(await this.routing.waitUntilServed(queue, count, GROW_SERVED_TIMEOUT_MS))) {
        throw new PinLaterError(ErrorCode.UNKNOWN, `Queue ${queue}: its new partitions are not served by a broker after ${GROW_SERVED_TIMEOUT_MS} ms; it keeps ${current} partitions (run this again once brokers are up)`);
      }
    }
    await publishQueuePartitions(this.deps.pool, queue, count);
    this.deps.registry.invalidate(queue);
  }
}
