/**
 * A throwaway Pacer cluster for one benchmark measurement: a fresh ZooKeeper chroot with the
 * cluster set up, an admin client in it, and its member processes (participants, one controller;
 * helix-member-processes.ts). Everything is registered with the benchmark's `Teardown`: `release()`
 * (or a signal) stops the controller, then the participants, then deletes the chroot.
 */
import { randomBytes } from 'node:crypto';
import { mapBounded } from '../../core/src/util/map-bounded';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { setupCluster } from '../../pacer/src/coordination/cluster-setup';
import type { ClusterSettings } from '../../pacer/src/coordination/helix-records';
import { HelixPaths } from '../../pacer/src/coordination/helix-paths';
import { childrenOrEmpty, deleteIfExists } from '../../pacer/src/coordination/record-store';
import { ControllerProcess, ParticipantProcess, type MemberSpec } from './helix-member-processes';
import type { Teardown } from './teardown';

export interface BenchClusterOptions {
  /** `host:port` of ZooKeeper; the chroot goes under `/bench`. */
  readonly zookeeper: string;
  readonly cluster: string;
  /** The cluster config written before any controller runs. */
  readonly settings: Partial<ClusterSettings>;
}

type MemberOptions = Pick<MemberSpec, 'name' | 'sessionTimeoutMs' | 'timeoutMs' | 'cwd' | 'logFile'>;

const DELETE_CONCURRENCY = 32;
const ADMIN_SESSION_MS = 30_000;

/** Deletes `path` and everything below it, siblings in parallel; a missing node is fine. */
async function deleteTree(zk: ZkClient, path: string): Promise<void> {
  await mapBounded(await childrenOrEmpty(zk, path), DELETE_CONCURRENCY, (child) => deleteTree(zk, `${path}/${child}`));
  await deleteIfExists(zk, path);
}

export class BenchCluster {
  private readonly releases: Array<() => Promise<void>> = [];

  private constructor(readonly connect: string, readonly admin: ZkClient, readonly paths: HelixPaths, private readonly teardown: Teardown) {}

  static async open(options: BenchClusterOptions, teardown: Teardown): Promise<BenchCluster> {
    const chroot = `/bench/scale-${randomBytes(6).toString('hex')}`;
    const root = await NodeZkClient.connect({ connectString: options.zookeeper, sessionTimeoutMs: ADMIN_SESSION_MS });
    const dropChroot = teardown.track(async () => {
      await deleteTree(root, chroot);
      await root.close();
    });
    await root.mkdirp(chroot);
    const connect = `${options.zookeeper}${chroot}`;
    const admin = await NodeZkClient.connect({ connectString: connect, sessionTimeoutMs: ADMIN_SESSION_MS });
    const closeAdmin = teardown.track(() => admin.close());
    const c = new BenchCluster(connect, admin, new HelixPaths(options.cluster), teardown);
    c.releases.push(closeAdmin, dropChroot);
    await setupCluster(admin, c.paths, options.settings);
    return c;
  }

  async startParticipant(options: MemberOptions): Promise<ParticipantProcess> {
    const p = await ParticipantProcess.start({ ...options, connect: this.connect, cluster: this.paths.cluster });
    this.releases.unshift(this.teardown.track(() => p.stop()));
    return p;
  }

  async startController(options: MemberOptions): Promise<ControllerProcess> {
    const c = await ControllerProcess.start({ ...options, connect: this.connect, cluster: this.paths.cluster });
    this.releases.unshift(this.teardown.track(() => c.stop()));
    return c;
  }

  /** Stops every member (newest first), closes the admin client and deletes the chroot. */
  async release(): Promise<void> {
    for (const step of this.releases.splice(0)) await step();
  }
}
