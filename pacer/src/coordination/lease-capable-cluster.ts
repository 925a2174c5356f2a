/**
 * Whether every live broker of the cluster can honour claim leases (issue 15): a broker that
 * cannot (a release before lease support) would, on taking a partition over, serve the jobs of its
 * open leases a second time, and a release before migration 0004 would delete leases without
 * keeping their claim descriptors. A lease broker therefore claims per job while any live member
 * does not say it honours leases, and with leases again once none is left (dequeue-broker.ts).
 *
 * Each member of this release says so in its LiveInstance record (CLAIM_LEASES_FIELD). This reads
 * LIVEINSTANCES and each live record every `pollMs` (one read per member: clusters are tens of
 * brokers), on the process's current session, and at once when a member joins or leaves: each read
 * of LIVEINSTANCES sets a children watch (a member of an older release joining is seen within a
 * ZooKeeper round trip, not up to `pollMs` later; the poll stays, for watches a new session lost).
 * A change seen while a read runs is read again after it. A read that fails (ZooKeeper away) keeps
 * the last answer. Until the first read succeeds the answer is no, so a broker joining a cluster of
 * older brokers never writes a lease. It guards a rolling upgrade; a member of an older release
 * joining a cluster that already holds leases is not made safe by it (runbooks/pacer-claim-mode.md:
 * switch to per-job claims and wait for the leases to empty before rolling back).
 */
import type { Logger } from '../../../core/src/logging/logger';
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';
import type { HelixPaths } from './helix-paths';
import { childrenOrEmpty, readRecord } from './record-store';

/** LiveInstance simple field: this member honours claim leases (loads them on takeover, keeps their descriptors). */
export const CLAIM_LEASES_FIELD = 'PACER_CLAIM_LEASES';
/** Its value for the lease design of migrations 0003 and 0004. */
export const CLAIM_LEASES_LEVEL = '1';

/** How often the live members are read. */
export const LEASE_CAPABILITY_POLL_MS = 5000;

export class LeaseCapableCluster {
  /** Live members that do not honour leases, as last read (sorted); undefined before the first read. */
  private withoutLeases: string[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  /** A member joined or left while a read ran (that read may have listed the members before it). */
  private readAgain = false;
  private closed = false;
  /** LIVEINSTANCES' children watch: one function, so re-arming it on every read does not pile up. */
  private readonly onMembersChanged = (): void => {
    this.poll().catch(() => undefined); // poll() logs its own failures
  };

  constructor(
    private readonly sessions: ZkSessionManager,
    private readonly paths: HelixPaths,
    private readonly logger: Logger,
    private readonly pollMs = LEASE_CAPABILITY_POLL_MS,
  ) {}

  /** Reads once now (awaited), then every `pollMs`. */
  async start(): Promise<void> {
    this.timer = setInterval(() => {
      this.poll().catch(() => undefined); // poll() logs its own failures
    }, this.pollMs);
    this.timer.unref();
    await this.poll();
  }

  /** True when the last successful read found every live member honouring leases. */
  leasesAllowed(): boolean {
    return this.withoutLeases?.length === 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.reading;
  }

  private poll(): Promise<void> {
    if (this.closed) return this.reading ?? Promise.resolve();
    if (this.reading !== undefined) {
      this.readAgain = true;
      return this.reading;
    }
    this.readAgain = false;
    this.reading = this.readOnce()
      .catch((e: unknown) => this.logger.warn({ err: coerceError(e) }, 'could not read the live brokers; keeping the last claim-lease answer'))
      .finally(() => {
        this.reading = undefined;
        if (this.readAgain) this.poll().catch(() => undefined);
      });
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    const zk = this.sessions.client();
    if (zk === undefined || !this.sessions.isConnected()) return;
    const without: string[] = [];
    for (const name of await childrenOrEmpty(zk, this.paths.liveInstances(), this.onMembersChanged)) {
      const live = await readRecord(zk, this.paths.liveInstance(name));
      if (live !== undefined && live.record.simpleFields[CLAIM_LEASES_FIELD] !== CLAIM_LEASES_LEVEL) without.push(name);
    }
    without.sort();
    if (this.closed) return;
    if (this.withoutLeases === undefined || without.join(',') !== this.withoutLeases.join(',')) {
      if (without.length > 0) this.logger.warn({ instances: without }, 'live brokers that do not honour claim leases: claiming per job until they leave');
      else if (this.withoutLeases !== undefined && this.withoutLeases.length > 0) this.logger.info('every live broker honours claim leases: claiming with leases again');
    }
    this.withoutLeases = without;
  }
}
