/**
 * `PartitionDirectory` from the cluster's EXTERNALVIEW (Helix's RoutingTableProvider idea): a
 * partition's broker is the live instance holding it ONLINE; its endpoint is HELIX_HOST /
 * HELIX_PORT of its InstanceConfig. Everything is served from memory; watches on EXTERNALVIEW,
 * LIVEINSTANCES and the owners' InstanceConfigs refresh it (coalesced) and notify listeners.
 * A partition that is ONLINE on an instance that is no longer live is reported as unowned.
 */
import type { Logger } from '../../../core/src/logging/logger';
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { BrokerEndpoint, PartitionDirectory } from '../interfaces/partition-directory';
import { onlineOwners } from './external-view';
import { instanceEndpoint } from './helix-records';
import { HelixPaths, parsePartitionName, partitionName } from './helix-paths';
import { childrenOrEmpty, readRecord } from './record-store';
import type { ZkClient } from './zk-client';

export interface ZkPartitionDirectoryOptions {
  readonly zk: ZkClient;
  readonly cluster: string;
  readonly logger: Logger;
}

export class ZkPartitionDirectory implements PartitionDirectory {
  private readonly paths: HelixPaths;
  private routes = new Map<string, BrokerEndpoint>();
  private counts = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private refreshing = false;
  private dirty = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private readonly watcher = (): void => this.schedule();

  private constructor(private readonly options: ZkPartitionDirectoryOptions) {
    this.paths = new HelixPaths(options.cluster);
  }

  /** Builds the directory and waits for its first full read. */
  static async open(options: ZkPartitionDirectoryOptions): Promise<ZkPartitionDirectory> {
    const directory = new ZkPartitionDirectory(options);
    await directory.refresh();
    return directory;
  }

  brokerFor(queue: string, partition: number): BrokerEndpoint | undefined {
    return this.routes.get(partitionName(queue, partition));
  }

  /** NUM_PARTITIONS of the queue's external view (0 when unknown). */
  partitionCount(queue: string): number {
    return this.counts.get(queue) ?? 0;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching; the ZooKeeper client belongs to the caller. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.idle;
  }

  private schedule(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.refreshing) return;
    this.refreshing = true;
    this.idle = this.loop().finally(() => {
      this.refreshing = false;
    });
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.closed) {
      this.dirty = false;
      try {
        await this.refresh();
      } catch (e) {
        this.options.logger.warn({ err: coerceError(e) }, 'partition directory refresh failed; retrying');
        await new Promise<void>((resolve) => setTimeout(resolve, 200));
        this.dirty = true;
      }
    }
  }

  private async refresh(): Promise<void> {
    const { zk } = this.options;
    const live = new Set(await childrenOrEmpty(zk, this.paths.liveInstances(), this.watcher));
    const routes = new Map<string, BrokerEndpoint>();
    const counts = new Map<string, number>();
    const endpoints = new Map<string, BrokerEndpoint | undefined>();
    for (const resource of await childrenOrEmpty(zk, this.paths.externalViews(), this.watcher)) {
      const ev = await readRecord(zk, this.paths.externalView(resource), this.watcher);
      if (!ev) continue;
      counts.set(resource, Number(ev.record.simpleFields.NUM_PARTITIONS ?? 0));
      for (const [partition, owners] of onlineOwners(ev.record)) {
        const owner = owners.filter((o) => live.has(o));
        if (owner.length !== 1 || !owner[0] || !parsePartitionName(partition)) continue;
        if (!endpoints.has(owner[0])) endpoints.set(owner[0], await this.endpointOf(owner[0]));
        const endpoint = endpoints.get(owner[0]);
        if (endpoint) routes.set(partition, endpoint);
      }
    }
    this.routes = routes;
    this.counts = counts;
    if (!this.closed) for (const listener of [...this.listeners]) listener();
  }

  private async endpointOf(instance: string): Promise<BrokerEndpoint | undefined> {
    const config = await readRecord(this.options.zk, this.paths.instanceConfig(instance), this.watcher);
    return instanceEndpoint(config?.record);
  }
}
