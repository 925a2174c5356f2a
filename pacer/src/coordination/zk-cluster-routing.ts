/**
 * The gateway's view of a Pacer cluster: a `PartitionDirectory` over the cluster's EXTERNALVIEW
 * and LIVEINSTANCES (`ZkPartitionDirectory`) that survives ZooKeeper session expiry (a new
 * session and a fresh directory; routing stays at its last known state meanwhile), plus the
 * queue administration the gateway performs through ideal states (`cluster-setup.ts`).
 */
import type { Logger } from '../../../core/src/logging/logger';
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { BrokerEndpoint, PartitionDirectory } from '../interfaces/partition-directory';
import { addQueue, removeQueue, setQueuePartitions, setupCluster } from './cluster-setup';
import { HelixPaths } from './helix-paths';
import { NodeZkClient } from './node-zk-client';
import { readRecord } from './record-store';
import type { ZkClient } from './zk-client';
import { ZkPartitionDirectory } from './zk-partition-directory';

export interface ZkClusterRoutingOptions {
  /** ZooKeeper `host:port[,host:port][/chroot]`. */
  readonly zkConnect: string;
  readonly cluster: string;
  readonly sessionTimeoutMs?: number;
  readonly logger: Logger;
}

const RECONNECT_DELAY_MS = 500;

export class ZkClusterRouting implements PartitionDirectory {
  readonly paths: HelixPaths;
  private zk: ZkClient;
  private directory: ZkPartitionDirectory;
  private readonly listeners = new Set<() => void>();
  private closed = false;
  private reconnecting: Promise<void> | undefined;
  private offSession: () => void = () => undefined;
  private offDirectory: () => void = () => undefined;

  private constructor(private readonly options: ZkClusterRoutingOptions, zk: ZkClient, directory: ZkPartitionDirectory) {
    this.paths = new HelixPaths(options.cluster);
    this.zk = zk;
    this.directory = directory;
    this.attach();
  }

  /** Connects, sets the cluster up if needed, and waits for the first full routing table. */
  static async open(options: ZkClusterRoutingOptions): Promise<ZkClusterRouting> {
    const { zk, directory } = await ZkClusterRouting.connect(options);
    return new ZkClusterRouting(options, zk, directory);
  }

  brokerFor(queue: string, partition: number): BrokerEndpoint | undefined {
    return this.directory.brokerFor(queue, partition);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers the queue as a FULL_AUTO resource with `numPartitions` (no-op if it exists). */
  async addQueue(queue: string, numPartitions: number): Promise<boolean> {
    return addQueue(this.zk, this.paths, queue, { numPartitions });
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

  async removeQueue(queue: string): Promise<boolean> {
    return removeQueue(this.zk, this.paths, queue);
  }

  async setQueuePartitions(queue: string, numPartitions: number): Promise<void> {
    await setQueuePartitions(this.zk, this.paths, queue, numPartitions);
  }

  /** NUM_PARTITIONS of the queue's ideal state, or undefined when it is not a resource. */
  async queuePartitions(queue: string): Promise<number | undefined> {
    const found = await readRecord(this.zk, this.paths.idealState(queue));
    return found ? Number(found.record.simpleFields.NUM_PARTITIONS) : undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.reconnecting?.catch(() => undefined);
    this.offSession();
    this.offDirectory();
    await this.directory.close();
    await this.zk.close();
  }

  private static async connect(options: ZkClusterRoutingOptions): Promise<{ zk: ZkClient; directory: ZkPartitionDirectory }> {
    const zk = await NodeZkClient.connect({ connectString: options.zkConnect, sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000 });
    try {
      await setupCluster(zk, new HelixPaths(options.cluster));
      const directory = await ZkPartitionDirectory.open({ zk, cluster: options.cluster, logger: options.logger });
      return { zk, directory };
    } catch (e) {
      await zk.close();
      throw e;
    }
  }

  private attach(): void {
    this.offDirectory = this.directory.onChange(() => this.emit());
    this.offSession = this.zk.onSessionEvent((event) => {
      if (event === 'expired') this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = undefined));
    });
  }

  private async reconnect(): Promise<void> {
    this.options.logger.warn({ cluster: this.options.cluster }, 'ZooKeeper session expired; reconnecting the partition directory');
    while (!this.closed) {
      try {
        const fresh = await ZkClusterRouting.connect(this.options);
        if (this.closed) {
          await fresh.directory.close();
          await fresh.zk.close();
          return;
        }
        this.offSession();
        this.offDirectory();
        const old = { zk: this.zk, directory: this.directory };
        this.zk = fresh.zk;
        this.directory = fresh.directory;
        this.attach();
        this.emit();
        await old.directory.close();
        await old.zk.close();
        return;
      } catch (e) {
        this.options.logger.warn({ err: coerceError(e) }, 'partition directory reconnect failed; retrying');
        await new Promise<void>((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
      }
    }
  }

  private emit(): void {
    if (!this.closed) for (const l of [...this.listeners]) l();
  }
}
