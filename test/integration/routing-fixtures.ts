/**
 * Routing table fixtures (migration/src/routing/): a fresh ZooKeeper chroot with the routing tree
 * set up under the test operator credential, and the operator's store on it.
 *
 * The tree's ACLs let only the operator delete records and history entries, so the chroot is
 * released by a session that authenticates as the operator (the plain `zkChroot().remove()`
 * would get NO_AUTH); like every namespace it is kept when the test that used it failed.
 *
 *   const t = await routingTable();          // t.connectString ends with the chroot
 *   afterEach(() => t.release());            // closes its sessions, then removes the chroot
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../core/src/logging/logger';
import { DigestCredential } from '../../core/src/zookeeper/zk-acl';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import { RoutingStore, type RoutingStoreOptions } from '../../migration/src/routing/routing-store';
import { setupRoutingTree } from '../../migration/src/routing/routing-tree-setup';
import { releaseOnce, type ReleaseOutcome, type TestNamespace } from '../support/namespace-keeper';
import { zkChroot } from '../support/namespaces';
import { testEnv } from '../support/test-env';
import { withZk } from '../support/zk';

/** The operator identity of the tests (what PINLATER_ROUTING_CREDENTIAL would hold). */
export const TEST_OPERATOR = DigestCredential.parse('routing-operator:test-operator-secret');

export interface RoutingTableFixture {
  /** The chroot's connect string (the routing root is the default, below it). */
  readonly connectString: string;
  /** An operator session on the chroot (authenticated), and the store over it. */
  readonly operatorZk: ZkClient;
  readonly store: RoutingStore;
  /** A new session on the chroot, closed by `release` (unauthenticated unless the caller adds auth). */
  connect(): Promise<ZkClient>;
  /** Closes every session of the fixture, then removes the chroot (kept if the test failed). */
  release(): Promise<ReleaseOutcome>;
}

export async function routingTable(storeOptions: RoutingStoreOptions = {}): Promise<RoutingTableFixture> {
  const chroot = await zkChroot();
  const sessions: ZkClient[] = [];
  const connect = async (): Promise<ZkClient> => {
    const zk = await NodeZkClient.connect({ connectString: chroot.connectString, sessionTimeoutMs: 10_000 });
    sessions.push(zk);
    return zk;
  };
  const removeChroot = releaseOnce(operatorChrootNamespace(chroot.path));
  const release = async (): Promise<ReleaseOutcome> => {
    for (const zk of sessions.splice(0)) await zk.close();
    return removeChroot();
  };
  try {
    const operatorZk = await connect();
    await setupRoutingTree(operatorZk, TEST_OPERATOR, storeOptions.paths === undefined ? {} : { paths: storeOptions.paths });
    const store = await RoutingStore.open(operatorZk, TEST_OPERATOR, storeOptions);
    return { connectString: chroot.connectString, operatorZk, store, connect, release };
  } catch (e) {
    for (const zk of sessions.splice(0)) await zk.close();
    throw e;
  }
}

/** A chroot holding a routing tree, removed by a session authenticated as the test operator. */
export function operatorChrootNamespace(path: string): TestNamespace {
  return {
    kind: 'ZooKeeper chroot (routing tree)',
    name: path,
    inspect: `/usr/share/zookeeper/bin/zkCli.sh -server ${testEnv().zookeeper.connectString} ls -R ${path}`,
    remove: () => withZk(async (zk) => {
      zk.raw.addAuthInfo('digest', Buffer.from(TEST_OPERATOR.authText()));
      await zk.removeRecursive(path);
    }),
  };
}

/** A logger whose lines (at `level` and above, parsed) the test can read. */
export function capturingLogger(level: 'warn' | 'error'): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level }, sink), lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
