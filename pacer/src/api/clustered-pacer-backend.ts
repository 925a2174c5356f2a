import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import type { BackendHealth } from '../../../core/src/interfaces/pinlater-backend';
import type { CreateQueueOptions, QueueSettings } from '../datastore/queue-registry';
import { addPartitionOwners, publishQueuePartitions } from '../datastore/queue-partitions';
import type { ZkClusterRouting } from '../coordination/zk-cluster-routing';
import { PacerBackend } from './pacer-backend';
import type { PacerBackendDeps } from './pacer-backend';
import type { DequeueRoutingHealth } from './dequeue-routing-health';
import { dequeueRoutingHealth, type DequeueRoutingStatus } from './dequeue-routing-status';

/** `/health` of a clustered Pacer gateway: the MySQL verdict plus the state of dequeue routing. */
export interface PacerClusterHealth extends BackendHealth {
  readonly dequeueRouting: DequeueRoutingStatus;
}

/** A clustered backend's dependencies: the routing is also its partition directory. */
export interface ClusteredPacerBackendDeps extends PacerBackendDeps {
  readonly routing: ZkClusterRouting;
  readonly routingHealth: DequeueRoutingHealth;
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

  constructor(deps: ClusteredPacerBackendDeps) {
    super(deps);
    this.routing = deps.routing;
    this.routingHealth = deps.routingHealth;
  }

  /**
   * MySQL decides `healthy` (enqueue, ack and every non-dequeue call keep working without
   * brokers, so a ZooKeeper outage must not take every gateway out of rotation); `dequeueRouting`
   * says whether dequeues can be routed: the ZooKeeper connection, the freshness of the view, and
   * dequeues refused lately for lack of a serving broker.
   */
  override async health(): Promise<PacerClusterHealth> {
    const base = await super.health();
    return { ...base, dequeueRouting: dequeueRoutingHealth(this.routing.status(), this.routingHealth.snapshot()) };
  }

  /** Makes every queue of the registry a resource (queues created before cluster mode). */
  async syncQueues(): Promise<void> {
    for (const name of await this.deps.registry.list()) {
      const settings = await this.deps.registry.get(name);
      if (settings !== undefined) await this.routing.addQueue(name, settings.numPartitions);
    }
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
