/**
 * The gateway's view of a Pacer cluster: a `PartitionDirectory` over the cluster's EXTERNALVIEW
 * and LIVEINSTANCES (`ZkPartitionDirectory`) plus the queue administration the gateway performs
 * through ideal states (`cluster-setup.ts`), both on the process's `ZkSessionManager` (its own
 * unless one is given): ZooKeeper restarts and session expiry are survived by the manager, the
 * directory re-reads the whole table on every new session or reconnection, and administration
 * waits (bounded) for a connected session instead of parking on a dead one.
 */
import type { Logger } from '../../../core/src/logging/logger';
import { systemClock, type Clock } from '../../../core/src/util/clock';
import type { BrokerEndpoint, PartitionDirectory } from '../interfaces/partition-directory';
import { addQueue, removeQueue, setQueuePartitions, setupCluster } from './cluster-setup';
import { HelixPaths } from './helix-paths';
import { readRecord } from './record-store';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import { ZkPartitionDirectory, type DirectoryStatus } from './zk-partition-directory';
import { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';

export interface ZkClusterRoutingOptions {
  /** ZooKeeper `host:port[,host:port][/chroot]`. */
  readonly zkConnect: string;
  readonly cluster: string;
  readonly sessionTimeoutMs?: number;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** A session manager shared with other ZooKeeper users of the process (not closed here). */
  readonly sessions?: ZkSessionManager;
}

export interface ClusterRoutingStatus extends DirectoryStatus {
  readonly cluster: string;
  readonly sessionId?: string;
}

const DEFAULT_SESSION_TIMEOUT_MS = 10_000;

export class ZkClusterRouting implements PartitionDirectory {
  readonly paths: HelixPaths;

  private constructor(
    private readonly options: ZkClusterRoutingOptions,
    private readonly sessions: ZkSessionManager,
    private readonly ownsSessions: boolean,
    private readonly directory: ZkPartitionDirectory,
  ) {
    this.paths = new HelixPaths(options.cluster);
  }

  /** Connects (or uses `options.sessions`), sets the cluster up if needed, reads the routing table. */
  static async open(options: ZkClusterRoutingOptions): Promise<ZkClusterRouting> {
    const clock = options.clock ?? systemClock;
    const sessionTimeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    const sessions = options.sessions ?? ZkSessionManager.forConnectString(
      { connectString: options.zkConnect, sessionTimeoutMs },
      { name: `gateway routing ${options.cluster}`, clock, logger: options.logger, startTimeoutMs: sessionTimeoutMs },
    );
    const owns = options.sessions === undefined;
    try {
      if (owns) await sessions.start();
      await sessions.withSession((zk) => setupCluster(zk, new HelixPaths(options.cluster)), sessionTimeoutMs);
      const directory = await ZkPartitionDirectory.open({ sessions, cluster: options.cluster, clock, logger: options.logger });
      return new ZkClusterRouting(options, sessions, owns, directory);
    } catch (e) {
      if (owns) await sessions.close();
      throw e;
    }
  }

  /** The routing session's timeout: how long brokers cut off from ZooKeeper keep their partitions. */
  get sessionTimeoutMs(): number {
    return this.options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
  }

  brokerFor(queue: string, partition: number): BrokerEndpoint | undefined {
    return this.directory.brokerFor(queue, partition);
  }

  onChange(listener: () => void): () => void {
    return this.directory.onChange(listener);
  }

  /** See `ZkPartitionDirectory.refresh`. */
  refresh(sinceMs?: number): Promise<void> {
    return this.directory.refresh(sinceMs);
  }

  status(): ClusterRoutingStatus {
    const sessionId = this.sessions.client()?.sessionId();
    return { cluster: this.options.cluster, ...this.directory.status(), ...(sessionId ? { sessionId } : {}) };
  }

  /** Registers the queue as a FULL_AUTO resource with `numPartitions` (no-op if it exists). */
  addQueue(queue: string, numPartitions: number): Promise<boolean> {
    return this.admin((zk) => addQueue(zk, this.paths, queue, { numPartitions }));
  }

  /**
   * Resolves true once every partition of `queue` below `numPartitions` has a live broker in the
   * external view (a new queue is dequeuable at once), false after `timeoutMs`.
   */
  waitUntilServed(queue: string, numPartitions: number, timeoutMs: number): Promise<boolean> {
    const served = (): boolean => Array.from({ length: numPartitions }, (_, p) => p).every((p) => this.brokerFor(queue, p) !== undefined);
    if (served()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        off();
        resolve(ok);
      };
      const off = this.onChange(() => {
        if (served()) finish(true);
      });
      const timer = setTimeout(() => finish(served()), timeoutMs);
    });
  }

  removeQueue(queue: string): Promise<boolean> {
    return this.admin((zk) => removeQueue(zk, this.paths, queue));
  }

  async setQueuePartitions(queue: string, numPartitions: number): Promise<void> {
    await this.admin((zk) => setQueuePartitions(zk, this.paths, queue, numPartitions));
  }

  /** NUM_PARTITIONS of the queue's ideal state, or undefined when it is not a resource. */
  async queuePartitions(queue: string): Promise<number | undefined> {
    const found = await this.admin((zk) => readRecord(zk, this.paths.idealState(queue)));
    return found ? Number(found.record.simpleFields.NUM_PARTITIONS) : undefined;
  }

  async close(): Promise<void> {
    await this.directory.close();
    if (this.ownsSessions) await this.sessions.close();
  }

  /** Administration waits for a connected session, at most a session timeout (then ZkUnavailableError). */
  private admin<T>(fn: (zk: ZkClient) => Promise<T>): Promise<T> {
    return this.sessions.withSession(fn, this.options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS);
  }
}
