/**
 * In-process Pacer cluster for integration tests: controllers and participants on a fresh
 * ZooKeeper chroot, a shared ownership ledger that asserts the single-owner invariant on every
 * transition, and helpers to kill (abrupt session close) or expire (a cut proxy, then a second
 * client with the same session id and password) sessions. `close()` closes every session it opened.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { systemClock } from '../../../core/src/util/clock';
import { HelixController } from '../../../pacer/src/coordination/controller';
import { HelixParticipant } from '../../../pacer/src/coordination/participant';
import { HelixPaths, partitionName } from '../../../pacer/src/coordination/helix-paths';
import { NodeZkClient } from '../../../core/src/zookeeper/node-zk-client';
import { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';
import { setupCluster } from '../../../pacer/src/coordination/cluster-setup';
import { readRecord, childrenOrEmpty } from '../../../pacer/src/coordination/record-store';
import { onlineOwners } from '../../../pacer/src/coordination/external-view';
import type { ClusterSettings } from '../../../pacer/src/coordination/helix-records';
import type { PartitionStateHandler } from '../../../pacer/src/coordination/partition-state-handler';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import { zkChroot, type ZkChroot } from '../../support/namespaces';
import { TcpProxy } from '../../support/tcp-proxy';
import { testEnv, testLogLevel } from '../../support/test-env';

export const SESSION_TIMEOUT_MS = 4000;
export const CLUSTER = 'pacer';

/** Who serves what, across every participant of the test; records any double ownership. */
export class OwnershipLedger {
  readonly servedBy = new Map<string, string>();
  readonly violations: string[] = [];
  transitions = 0;

  online(instance: string, partition: string): void {
    this.transitions++;
    const other = this.servedBy.get(partition);
    if (other !== undefined && other !== instance) this.violations.push(`${partition} ONLINE on ${instance} while served by ${other}`);
    this.servedBy.set(partition, instance);
  }

  offline(instance: string, partition: string): void {
    this.transitions++;
    if (this.servedBy.get(partition) === instance) this.servedBy.delete(partition);
  }

  dropAll(instance: string): void {
    for (const [p, i] of [...this.servedBy]) if (i === instance) this.servedBy.delete(p);
  }

  partitionsOf(instance: string): string[] {
    return [...this.servedBy].filter(([, i]) => i === instance).map(([p]) => p).sort();
  }
}

/** A test handler: records into the ledger; `dead` after a simulated kill. */
export class RecordingHandler implements PartitionStateHandler {
  dead = false;
  sessionLosses = 0;
  sessionSuspensions = 0;
  /** While suspended: the partitions this instance holds but does not serve. */
  private paused: Set<string> | undefined;
  constructor(private readonly ledger: OwnershipLedger, private readonly instance: string) {}

  async onBecomeOnline(queue: string, partition: number): Promise<void> {
    if (this.dead) return;
    if (this.paused) this.paused.add(partitionName(queue, partition));
    else this.ledger.online(this.instance, partitionName(queue, partition));
  }

  async onBecomeOffline(queue: string, partition: number): Promise<void> {
    if (this.dead) return;
    if (this.paused) this.paused.delete(partitionName(queue, partition));
    else this.ledger.offline(this.instance, partitionName(queue, partition));
  }

  onSessionLost(): void {
    this.sessionLosses++;
    this.paused = undefined;
    this.ledger.dropAll(this.instance);
  }

  onSessionSuspended(): void {
    if (this.dead || this.paused) return;
    this.sessionSuspensions++;
    this.paused = new Set(this.ledger.partitionsOf(this.instance));
    this.ledger.dropAll(this.instance);
  }

  /** Serving again: a partition another instance took meanwhile is a violation (ledger.online). */
  onSessionResumed(): void {
    const paused = this.paused;
    this.paused = undefined;
    if (this.dead || !paused) return;
    for (const partition of paused) this.ledger.online(this.instance, partition);
  }

  kill(): void {
    this.dead = true;
    this.ledger.dropAll(this.instance);
  }
}

export interface Member<T> {
  readonly name: string;
  readonly member: T;
}

export class TestCluster {
  readonly paths = new HelixPaths(CLUSTER);
  readonly ledger = new OwnershipLedger();
  readonly controllers: Array<Member<HelixController>> = [];
  readonly participants = new Map<string, { participant: HelixParticipant; handler: RecordingHandler; sessions: ZkSessionManager }>();
  readonly evViolations: string[] = [];
  private readonly clients: ZkClient[] = [];
  private readonly managers: ZkSessionManager[] = [];
  private readonly proxies = new Map<ZkClient, TcpProxy>();
  private readonly proxyList: TcpProxy[] = [];
  private evTimer: NodeJS.Timeout | undefined;
  private evChecking = false;
  private readonly logger = pino({ level: testLogLevel() });

  private constructor(readonly chroot: ZkChroot, readonly admin: ZkClient) {}

  static async create(settings: Partial<ClusterSettings> = {}): Promise<TestCluster> {
    const chroot = await zkChroot();
    const admin = await NodeZkClient.connect({ connectString: chroot.connectString, sessionTimeoutMs: 10_000 });
    const cluster = new TestCluster(chroot, admin);
    await setupCluster(admin, cluster.paths, settings);
    return cluster;
  }

  /** Every session the cluster's members open goes through its own proxy (see `expireSession`). */
  connect = async (): Promise<ZkClient> => {
    const { host, port } = testEnv().zookeeper;
    const proxy = await TcpProxy.start(host, port);
    this.proxyList.push(proxy);
    const zk = await NodeZkClient.connect({ connectString: `127.0.0.1:${proxy.port}${this.chroot.path}`, sessionTimeoutMs: SESSION_TIMEOUT_MS });
    this.clients.push(zk);
    this.proxies.set(zk, proxy);
    return zk;
  };

  /**
   * A member's own session manager (one per member, as one per process): sessions through the
   * member's proxies; abandoned sessions are ended over a direct connection.
   */
  async sessionsFor(name: string): Promise<ZkSessionManager> {
    const m = new ZkSessionManager({
      name,
      connect: this.connect,
      reattach: (s) => NodeZkClient.connect({
        connectString: this.chroot.connectString, sessionTimeoutMs: SESSION_TIMEOUT_MS, sessionId: Buffer.from(s.sessionId, 'hex'), sessionPassword: s.password, connectTimeoutMs: 2000,
      }),
      clock: systemClock,
      logger: this.logger,
    });
    this.managers.push(m);
    await m.start();
    return m;
  }

  async addController(name: string): Promise<HelixController> {
    const sessions = await this.sessionsFor(name);
    const c = new HelixController({ cluster: CLUSTER, name, sessions, clock: systemClock, logger: this.logger, periodicRunMs: 2000 });
    await c.start();
    this.controllers.push({ name, member: c });
    return c;
  }

  leader(): HelixController | undefined {
    return this.controllers.find((c) => c.member.isLeader())?.member;
  }

  async addParticipant(name: string): Promise<HelixParticipant> {
    const handler = new RecordingHandler(this.ledger, name);
    const sessions = await this.sessionsFor(name);
    const participant = new HelixParticipant({
      cluster: CLUSTER,
      instance: name,
      endpoint: { host: '127.0.0.1', port: 9000 + this.participants.size },
      sessions,
      handler,
      clock: systemClock,
      logger: this.logger,
    });
    this.participants.set(name, { participant, handler, sessions });
    await participant.start();
    return participant;
  }

  /** kill -9 in-process: the handler stops serving, the session ends without any goodbye. */
  async killParticipant(name: string): Promise<void> {
    const p = this.participants.get(name);
    if (!p) throw new Error(`no participant ${name}`);
    p.handler.kill();
    await p.participant.zkSession()?.close();
    await p.participant.close();
    await p.sessions.close();
    this.participants.delete(name);
  }

  /** Cuts (or restores) the network between one session's client and ZooKeeper. */
  setConnectionCut(zk: ZkClient, cut: boolean): void {
    const proxy = this.proxies.get(zk);
    if (!proxy) throw new Error(`session ${zk.sessionId()} was not opened by this cluster`);
    if (cut) proxy.cut();
    else proxy.restore();
  }

  /**
   * Forces expiry of a session the way a network partition does, deterministically: cut the
   * client's own proxy (it sees a disconnection and cannot reconnect), attach a second client
   * with the session's id and password directly and close it (the server ends the session at
   * once), then restore the proxy: the original client reconnects and is told "expired".
   * (Without the cut, the original client may win its session back just before the second one
   * closes it, and the server can leave it attached to a session it has already closed.)
   */
  async expireSession(zk: ZkClient): Promise<void> {
    const proxy = this.proxies.get(zk);
    if (!proxy) throw new Error(`session ${zk.sessionId()} was not opened by this cluster`);
    let expired = false;
    const off = zk.onSessionEvent((event) => {
      if (event === 'expired') expired = true;
    });
    try {
      proxy.cut();
      const twin = await NodeZkClient.connect({
        connectString: this.chroot.connectString,
        sessionTimeoutMs: SESSION_TIMEOUT_MS,
        sessionId: Buffer.from(zk.sessionId(), 'hex'),
        sessionPassword: zk.sessionPassword(),
      });
      await twin.close();
      proxy.restore();
      for (let i = 0; i < 200 && !expired; i++) await sleep(50);
    } finally {
      proxy.restore();
      off();
    }
    if (!expired) throw new Error(`session ${zk.sessionId()} was not told it expired`);
  }

  /** Polls the external view and live instances; records any partition ONLINE on two live instances. */
  startExternalViewChecks(intervalMs = 50): void {
    this.evTimer = setInterval(() => {
      if (this.evChecking) return;
      this.evChecking = true;
      this.checkExternalView()
        .catch(() => undefined)
        .finally(() => {
          this.evChecking = false;
        });
    }, intervalMs);
  }

  async checkExternalView(): Promise<void> {
    const live = new Set(await childrenOrEmpty(this.admin, this.paths.liveInstances()));
    for (const resource of await childrenOrEmpty(this.admin, this.paths.externalViews())) {
      const ev = await readRecord(this.admin, this.paths.externalView(resource));
      if (!ev) continue;
      for (const [p, owners] of onlineOwners(ev.record)) {
        const liveOwners = owners.filter((o) => live.has(o));
        if (liveOwners.length > 1) this.evViolations.push(`${p}: ${liveOwners.join(',')}`);
      }
    }
  }

  /** resource → partition → ONLINE owners, from the external view. */
  async externalView(): Promise<Map<string, Map<string, string[]>>> {
    const out = new Map<string, Map<string, string[]>>();
    for (const resource of await childrenOrEmpty(this.admin, this.paths.externalViews())) {
      const ev = await readRecord(this.admin, this.paths.externalView(resource));
      if (ev) out.set(resource, onlineOwners(ev.record));
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.evTimer) clearInterval(this.evTimer);
    for (const { participant } of this.participants.values()) await participant.close();
    for (const { member } of this.controllers) await member.close();
    for (const m of this.managers) await m.close();
    for (const zk of this.clients) await zk.close();
    for (const proxy of this.proxyList) await proxy.close();
    await this.admin.close();
    await this.chroot.remove();
  }
}

/** Every partition of `queues` served by exactly one of `instances`, per the ledger and the EV. */
export async function expectFullyServed(cluster: TestCluster, queues: Record<string, number>, instances: readonly string[]): Promise<void> {
  const ev = await cluster.externalView();
  for (const [queue, n] of Object.entries(queues)) {
    for (let i = 0; i < n; i++) {
      const p = partitionName(queue, i);
      const owner = cluster.ledger.servedBy.get(p);
      if (!owner || !instances.includes(owner)) throw new Error(`${p} served by ${owner ?? 'nobody'}`);
      const evOwners = ev.get(queue)?.get(p) ?? [];
      if (evOwners.length !== 1 || evOwners[0] !== owner) throw new Error(`${p}: EV says ${evOwners.join(',')}, ledger ${owner}`);
    }
  }
}

/** Per queue: partition count per instance from the ledger. */
export function countsPerQueue(cluster: TestCluster, queue: string, n: number, instances: readonly string[]): number[] {
  return instances.map((i) => cluster.ledger.partitionsOf(i).filter((p) => p.startsWith(`${queue}_`) && Number(p.slice(queue.length + 1)) < n).length);
}

export function ownersSnapshot(cluster: TestCluster): Map<string, string> {
  return new Map(cluster.ledger.servedBy);
}
