import type { ClusterRoutingStatus } from '../coordination/zk-cluster-routing';
import type { DequeueRoutingSnapshot } from './dequeue-routing-health';

/** The `dequeueRouting` part of a clustered Pacer gateway's `/health`. */
export interface DequeueRoutingStatus {
  /** False while dequeues cannot be routed reliably (see `detail`). */
  readonly healthy: boolean;
  /** ZooKeeper connection state of the gateway's routing session. */
  readonly zookeeper: string;
  readonly zookeeperStateForMs: number;
  /** The routing table was read in full on the current connection (false: the last known table is used). */
  readonly viewFresh: boolean;
  readonly viewReadAgoMs: number | null;
  readonly refusedDequeues: number;
  readonly windowMs: number;
  readonly unservablePartitions: string[];
  /** One sentence per problem, or "ok". */
  readonly detail: string;
}

/** Judges dequeue routing from the routing view and the recent refusals. */
export function dequeueRoutingHealth(view: ClusterRoutingStatus, refusals: DequeueRoutingSnapshot, nowMs = Date.now()): DequeueRoutingStatus {
  const problems: string[] = [];
  const connected = view.zookeeper === 'CONNECTED' || view.zookeeper === 'RECONNECTED';
  if (!connected) {
    problems.push(`ZooKeeper ${view.zookeeper} for ${(view.zookeeperStateForMs / 1000).toFixed(1)} s: dequeues are routed by the last known view`);
  } else if (!view.fresh) {
    problems.push('the routing view is being re-read after a reconnection');
  }
  if (refusals.refusedDequeues > 0) {
    const which = refusals.unservablePartitions.join(', ') || 'unknown partitions';
    problems.push(`${refusals.refusedDequeues} dequeue(s) refused in the last ${refusals.windowMs / 1000} s: jobs ready but no live broker serves ${which}`);
  }
  return {
    healthy: problems.length === 0,
    zookeeper: view.zookeeper,
    zookeeperStateForMs: view.zookeeperStateForMs,
    viewFresh: view.fresh,
    viewReadAgoMs: view.lastReadMs > 0 ? nowMs - view.lastReadMs : null,
    refusedDequeues: refusals.refusedDequeues,
    windowMs: refusals.windowMs,
    unservablePartitions: refusals.unservablePartitions,
    detail: problems.join('; ') || 'ok',
  };
}
