/**
 * The routing table as the copier uses it: read a queue's record, the table version and the live
 * gateways, and flip a drained queue by compare-and-set, as the routing operator. The ZooKeeper
 * session is opened on first use and dropped after any ZooKeeper failure, so the next call opens a
 * new one: a ZooKeeper restart or an expired session costs the copier a retry, never a restart.
 */
import { NodeZkClient } from '../../../core/src/zookeeper/node-zk-client';
import type { DigestCredential } from '../../../core/src/zookeeper/zk-acl';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import { ZkError } from '../../../core/src/zookeeper/zk-error';
import type { GatewayPresence } from '../routing/gateway-presence';
import type { RoutingRecord } from '../routing/routing-record';
import { RoutingPaths } from '../routing/routing-paths';
import { RoutingStore, type RoutingChange, type RoutingWriteResult } from '../routing/routing-store';

export interface RoutingAccess {
  read(queue: string): Promise<RoutingRecord | undefined>;
  tableVersion(): Promise<number>;
  gateways(): Promise<GatewayPresence[]>;
  write(queue: string, change: RoutingChange, expectedVersion: number): Promise<RoutingWriteResult>;
  close(): Promise<void>;
}

export class ReconnectingRoutingStore implements RoutingAccess {
  private session: Promise<{ zk: ZkClient; store: RoutingStore }> | undefined;
  private closed = false;
  private openSession = false;

  constructor(private readonly options: { connectString: string; root: string; credential: DigestCredential; sessionTimeoutMs?: number }) {}

  read(queue: string): Promise<RoutingRecord | undefined> {
    return this.use((s) => s.read(queue));
  }

  tableVersion(): Promise<number> {
    return this.use((s) => s.tableVersion());
  }

  gateways(): Promise<GatewayPresence[]> {
    return this.use((s) => s.gateways());
  }

  write(queue: string, change: RoutingChange, expectedVersion: number): Promise<RoutingWriteResult> {
    return this.use((s) => s.write(queue, change, expectedVersion));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drop();
  }

  /** Whether a ZooKeeper session is open (opened, not yet dropped after an error or close): the metrics gauge. */
  hasOpenSession(): boolean {
    return this.openSession;
  }

  private async use<T>(fn: (store: RoutingStore) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('routing access closed');
    this.session ??= this.open();
    let session;
    try {
      session = await this.session;
    } catch (e) {
      this.session = undefined;
      throw e;
    }
    try {
      return await fn(session.store);
    } catch (e) {
      if (e instanceof ZkError) await this.drop();
      throw e;
    }
  }

  private async open(): Promise<{ zk: ZkClient; store: RoutingStore }> {
    const sessionTimeoutMs = this.options.sessionTimeoutMs ?? 10_000;
    const zk = await NodeZkClient.connect({ connectString: this.options.connectString, sessionTimeoutMs, connectTimeoutMs: sessionTimeoutMs });
    try {
      const store = await RoutingStore.open(zk, this.options.credential, { paths: new RoutingPaths(this.options.root) });
      this.openSession = true;
      return { zk, store };
    } catch (e) {
      await zk.close();
      throw e;
    }
  }

  private async drop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.openSession = false;
    if (session === undefined) return;
    try {
      await (await session).zk.close();
    } catch {
      // a session that failed to open has nothing to close
    }
  }
}
