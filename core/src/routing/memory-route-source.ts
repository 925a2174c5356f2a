import { countByMode, type QueueRoute, type RouteSource, type RoutingStatus } from './queue-route';

/**
 * A routing table held in this process: for single-process tools and tests of the routing
 * backend. It has none of the ZooKeeper source's guarantees (nothing is shared between
 * processes); `set` plays the operator.
 */
export class MemoryRouteSource implements RouteSource {
  private readonly routes = new Map<string, QueueRoute>();
  private version = 0;

  constructor(initial: Iterable<[string, QueueRoute]> = []) {
    for (const [queue, route] of initial) this.set(queue, route);
  }

  /** The operator's write: replaces the queue's route. */
  set(queue: string, route: QueueRoute): void {
    this.routes.set(queue, route);
    this.version += 1;
  }

  routeOf(queue: string): QueueRoute | undefined {
    return this.routes.get(queue);
  }

  recordCreated(queue: string, route: QueueRoute): Promise<QueueRoute> {
    const existing = this.routes.get(queue);
    if (existing !== undefined) return Promise.resolve(existing);
    this.set(queue, route);
    return Promise.resolve(route);
  }

  status(): RoutingStatus {
    return { loaded: true, degraded: false, appliedVersion: this.version, invalidRecords: 0, queuesByMode: countByMode(this.routes.values()), sessionConnected: true };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
