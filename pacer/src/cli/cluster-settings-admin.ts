/**
 * Reads and changes a Pacer cluster's stored settings (cluster-settings-record.ts) over its own
 * ZooKeeper session, for `pinlater-ops pacer settings` (migration/src/cli/pacer-settings-command.ts).
 * Where the cluster is comes from the same flags and variables as `pacer status` (PACER_ZK_CONNECT,
 * PACER_CLUSTER, PACER_ZK_SESSION_TIMEOUT_MS; controller-config.ts). A cluster that is not set up
 * under that ZooKeeper is an error (ClusterNotFoundError), never an empty cluster: a mistyped
 * `--cluster` or chroot must not get a config node written.
 *
 * The write is a compare-and-set on the version the operator saw: if the record changed since,
 * nothing is written (ClusterSettingsConflictError). The leading controller watches the record and
 * uses the new value from its next run (coordination/cluster-data-cache.ts).
 */
import { silentLogger } from '../../../core/src/logging/logger';
import { systemClock } from '../../../core/src/util/clock';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';
import { isClusterSetup } from '../coordination/cluster-setup';
import { HelixPaths } from '../coordination/helix-paths';
import type { RebalanceType } from '../coordination/helix-records';
import { readRecord } from '../coordination/record-store';
import { recordsEqual, serializeRecord, type ZNRecord } from '../coordination/zn-record';
import { flagOverrides, loadClusterConfig, type ClusterConfig } from '../controller/controller-config';
import { storedClusterSettings, withThrottle, type StoredClusterSettings } from './cluster-settings-record';

/** Where the cluster is: flags as commander gives them (strings), each overriding its variable. */
export interface ClusterLocationOptions {
  readonly zk?: string;
  readonly cluster?: string;
  readonly sessionTimeoutMs?: string;
}

/** The settings as read, with where they are and the record's version (null: no record). */
export interface ClusterSettingsSnapshot extends StoredClusterSettings {
  readonly cluster: string;
  readonly zk: string;
  readonly path: string;
  readonly version: number | null;
}

export class ClusterNotFoundError extends Error {
  constructor(readonly cluster: string, readonly zk: string) {
    super(`cluster ${cluster} not found under ${zk}`);
    this.name = 'ClusterNotFoundError';
  }
}

export class ClusterSettingsConflictError extends Error {
  constructor(readonly path: string) {
    super(`${path} changed since it was read (another operator or a setup); nothing was written: read the settings again`);
    this.name = 'ClusterSettingsConflictError';
  }
}

export class ClusterSettingsAdmin {
  private constructor(
    private readonly config: ClusterConfig,
    private readonly sessions: ZkSessionManager,
    private readonly paths: HelixPaths,
  ) {}

  /** Opens a session (bounded by the session timeout) and checks that the cluster is set up. */
  static async open(options: ClusterLocationOptions, env: Readonly<Record<string, string | undefined>>): Promise<ClusterSettingsAdmin> {
    const config = loadClusterConfig(env, flagOverrides({ zk: options.zk, cluster: options.cluster, sessionTimeoutMs: options.sessionTimeoutMs }));
    const sessions = ZkSessionManager.forConnectString(
      { connectString: config.zkConnect, sessionTimeoutMs: config.sessionTimeoutMs },
      { name: 'pacer-settings', clock: systemClock, logger: silentLogger(), startTimeoutMs: config.sessionTimeoutMs },
    );
    const admin = new ClusterSettingsAdmin(config, sessions, new HelixPaths(config.cluster));
    try {
      await sessions.start();
      await admin.withZk(async (zk) => {
        if (!(await isClusterSetup(zk, admin.paths))) throw new ClusterNotFoundError(config.cluster, config.zkConnect);
      });
      return admin;
    } catch (e) {
      await sessions.close();
      throw e;
    }
  }

  async read(): Promise<ClusterSettingsSnapshot> {
    return this.snapshot(await this.withZk((zk) => readRecord(zk, this.paths.clusterConfig())));
  }

  /**
   * Writes MAX_PARTITION_IN_TRANSITION = `max` in the throttle entries of `type` (ANY: the bound on
   * every transition; `max` null removes a typed bound) if the record is still at `expectedVersion`
   * (null: still absent); resolves with the settings as written. When the record already holds
   * that, nothing is written (whatever its version).
   */
  async setThrottle(type: RebalanceType, max: number | null, expectedVersion: number | null): Promise<ClusterSettingsSnapshot> {
    const path = this.paths.clusterConfig();
    return this.withZk(async (zk) => {
      const current = await readRecord(zk, path);
      const next = withThrottle(current?.record, this.config.cluster, type, max);
      // Already so (also when a session lost after the write landed repeats this: withSession).
      if (current !== undefined && recordsEqual(current.record, next)) return this.snapshot(current);
      if ((current?.version ?? null) !== expectedVersion) throw new ClusterSettingsConflictError(path);
      await this.write(zk, next, expectedVersion);
      return this.snapshot(await readRecord(zk, path));
    });
  }

  close(): Promise<void> {
    return this.sessions.close();
  }

  private async write(zk: ZkClient, next: ZNRecord, expectedVersion: number | null): Promise<void> {
    const path = this.paths.clusterConfig();
    try {
      if (expectedVersion === null) await zk.create(path, serializeRecord(next));
      else await zk.set(path, serializeRecord(next), expectedVersion);
    } catch (e) {
      if (ZkError.is(e, ZkCode.BAD_VERSION) || ZkError.is(e, ZkCode.NODE_EXISTS)) throw new ClusterSettingsConflictError(path);
      throw e;
    }
  }

  private snapshot(found: { record: ZNRecord; version: number } | undefined): ClusterSettingsSnapshot {
    return {
      cluster: this.config.cluster, zk: this.config.zkConnect, path: this.paths.clusterConfig(), version: found?.version ?? null,
      ...storedClusterSettings(found?.record),
    };
  }

  private withZk<T>(fn: (zk: ZkClient) => Promise<T>): Promise<T> {
    return this.sessions.withSession(fn, this.config.sessionTimeoutMs);
  }
}
