/**
 * A dequeue broker as a member of a Pacer cluster: a Helix participant whose instance name is the
 * broker id and whose InstanceConfig HELIX_HOST/HELIX_PORT is the broker's Thrift endpoint. The
 * controller's OnlineOffline transitions drive the broker through `OwnershipStateHandler`:
 * OFFLINE→ONLINE = `assign` (a NEW owner epoch in partition_owners before serving),
 * ONLINE→OFFLINE = `release` (stop serving, drop the buffer). On ZooKeeper session loss (expired,
 * disconnected or stalled for 2/3 of the session timeout, e.g. SIGSTOP) every partition stops
 * being served at once; claims a stale broker still attempts are rejected by the epoch check.
 *
 * `leave()` is the graceful hand-off before a shutdown: drain (the controller moves every
 * partition away), wait until the external view no longer names this broker, keep answering
 * (`notOwned`) for `lingerMs` so gateways' directories catch up, then close the session.
 *
 * The broker's ZooKeeper session is its process's `ZkSessionManager` (owned here): a ZooKeeper
 * restart or an expiry is survived by the manager opening the next session and the participant
 * joining again on it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../../core/src/util/clock';
import type { Logger } from '../../../core/src/logging/logger';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { HelixParticipant } from '../coordination/participant';
import { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';
import { OwnershipStateHandler } from '../coordination/ownership-state-handler';
import { HelixPaths } from '../coordination/helix-paths';
import { onlineOwners } from '../coordination/external-view';
import { childrenOrEmpty, readRecord } from '../coordination/record-store';
import { setupCluster } from '../coordination/cluster-setup';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import type { PartitionOwnership } from '../interfaces/partition-ownership';
import type { BrokerEndpoint } from '../interfaces/partition-directory';
import { CLAIM_LEASES_FIELD, CLAIM_LEASES_LEVEL, LeaseCapableCluster } from '../coordination/lease-capable-cluster';

export interface ClusterMembershipOptions {
  zkConnect: string;
  cluster: string;
  sessionTimeoutMs: number;
  instance: string;
  endpoint: BrokerEndpoint;
  ownership: PartitionOwnership;
  clock: Clock;
  logger: Logger;
  /** How often the live brokers are read for claim-lease support (lease-capable-cluster.ts). */
  leaseCapabilityPollMs?: number;
}

const POLL_MS = 25;

export class ClusterMembership {
  private constructor(
    private readonly participant: HelixParticipant,
    private readonly sessions: ZkSessionManager,
    private readonly paths: HelixPaths,
    private readonly options: ClusterMembershipOptions,
    private readonly leases: LeaseCapableCluster,
  ) {}

  /** Joins the cluster (setting up its skeleton if this is the first member). */
  static async join(options: ClusterMembershipOptions): Promise<ClusterMembership> {
    const paths = new HelixPaths(options.cluster);
    const sessions = ZkSessionManager.forConnectString(
      { connectString: options.zkConnect, sessionTimeoutMs: options.sessionTimeoutMs },
      { name: `broker ${options.instance}`, clock: options.clock, logger: options.logger },
    );
    try {
      await sessions.start();
      await sessions.withSession((zk) => setupCluster(zk, paths), options.sessionTimeoutMs);
      const participant = new HelixParticipant({
        cluster: options.cluster,
        instance: options.instance,
        endpoint: options.endpoint,
        sessions,
        handler: new OwnershipStateHandler(options.ownership, options.logger),
        clock: options.clock,
        logger: options.logger,
        liveFields: { [CLAIM_LEASES_FIELD]: CLAIM_LEASES_LEVEL },
      });
      await participant.start();
      const leases = new LeaseCapableCluster(sessions, paths, options.logger, options.leaseCapabilityPollMs);
      await leases.start();
      return new ClusterMembership(participant, sessions, paths, options, leases);
    } catch (e) {
      await sessions.close();
      throw e;
    }
  }

  /** Whether every live broker honours claim leases (a lease broker claims per job otherwise). */
  leasesAllowed(): boolean {
    return this.leases.leasesAllowed();
  }

  /** Whether the process's ZooKeeper session is connected right now (in memory; the metrics gauge). */
  sessionConnected(): boolean {
    return this.sessions.isConnected();
  }

  get sessionId(): string | undefined {
    return this.participant.sessionId();
  }

  onlinePartitions(): string[] {
    return this.participant.onlinePartitions();
  }

  /**
   * Graceful hand-off: resolves true when every partition was moved away within `drainTimeoutMs`
   * (false: the caller closes anyway; the controller then fails the rest over on session close).
   */
  async leave(drainTimeoutMs: number, lingerMs: number): Promise<boolean> {
    const { logger, instance } = { logger: this.options.logger, instance: this.options.instance };
    const t0 = this.options.clock.nowMs();
    let drained = false;
    try {
      drained = await this.participant.drain(drainTimeoutMs);
      const zk = this.participant.zkSession();
      if (drained && zk !== undefined) {
        drained = await this.waitUntilUnlisted(zk, t0 + drainTimeoutMs);
        if (lingerMs > 0) await sleep(lingerMs);
      }
    } catch (e) {
      logger.warn({ err: coerceError(e), instance }, 'drain failed; closing the session (partitions fail over)');
    }
    logger.info({ instance, drained, ms: this.options.clock.nowMs() - t0 }, 'left the cluster');
    await this.close();
    return drained;
  }

  /** Stops serving everything and ends the session without a hand-off. */
  async close(): Promise<void> {
    await this.leases.close();
    await this.participant.close();
    await this.sessions.close();
  }

  /** Waits until no external view lists this instance ONLINE (routing has moved on). */
  private async waitUntilUnlisted(zk: ZkClient, deadlineMs: number): Promise<boolean> {
    for (;;) {
      if (!(await this.listedOnline(zk))) return true;
      if (this.options.clock.nowMs() > deadlineMs) return false;
      await sleep(POLL_MS);
    }
  }

  private async listedOnline(zk: ZkClient): Promise<boolean> {
    for (const resource of await childrenOrEmpty(zk, this.paths.externalViews())) {
      const ev = await readRecord(zk, this.paths.externalView(resource));
      if (!ev) continue;
      for (const owners of onlineOwners(ev.record).values()) if (owners.includes(this.options.instance)) return true;
    }
    return false;
  }
}
