/**
 * The gateway's routing table (migration/src/routing/zk-route-source.ts) through ZooKeeper
 * trouble, on a private ZooKeeper this file kills (-9) and restarts with its data
 * (test/support/scratch-zookeeper.ts, tickTime 250 ms) and a TCP proxy that cuts one gateway off:
 * the last table keeps serving with `degraded` set and no default route is ever guessed, changes
 * made meanwhile are applied on the way back, an expired session gets its presence node again,
 * and a gateway started while ZooKeeper is down serves nothing routed until it has read the table.
 */
import { ErrorCode } from '../../core/src/errors/error-code';
import { silentLogger, type Logger } from '../../core/src/logging/logger';
import { systemClock } from '../../core/src/util/clock';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import { ZkSessionManager } from '../../core/src/zookeeper/zk-session-manager';
import { RoutingPaths } from '../../migration/src/routing/routing-paths';
import { RoutingStore, type RoutingChange } from '../../migration/src/routing/routing-store';
import { setupRoutingTree } from '../../migration/src/routing/routing-tree-setup';
import { ZkRouteSource, type ZkRouteSourceOptions } from '../../migration/src/routing/zk-route-source';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { scratchZooKeeperSuite } from '../support/scratch-zookeeper-suite';
import { TcpProxy } from '../support/tcp-proxy';
import { capturingLogger, TEST_OPERATOR } from './routing-fixtures';

jest.setTimeout(60_000);

/** The largest session tickTime 250 allows (20 ticks): room for a JVM restart inside it. */
const LONG_SESSION_MS = 5000;
const WAIT = { timeoutMs: 20_000, intervalMs: 20 };
const legacy = (cluster: string): RoutingChange => ({ mode: 'legacy', legacyCluster: cluster, changedBy: 'alice', reason: 'test' });
const pacer = (from: string | null): RoutingChange => ({ mode: 'pacer', legacyCluster: from, changedBy: 'alice', reason: 'test' });

let roots = 0;
const scratch = scratchZooKeeperSuite('routing-source-faults');
afterAll(assertNoLeaks);

/** A fresh routing root on the scratch server (its data dir goes with it), and the operator's store. */
async function operator(paths = new RoutingPaths(`/routing-${++roots}`)): Promise<{ paths: RoutingPaths; store: RoutingStore; zk: ZkClient }> {
  const client = await NodeZkClient.connect({ connectString: scratch.server.connectString(), sessionTimeoutMs: LONG_SESSION_MS });
  scratch.closeAfterEach(client);
  await setupRoutingTree(client, TEST_OPERATOR, { paths });
  return { paths, store: await RoutingStore.open(client, TEST_OPERATOR, { paths }), zk: client };
}

function start(zookeeper: ZkRouteSourceOptions['zookeeper'], paths: RoutingPaths, gatewayId = 'gw-1', logger: Logger = silentLogger()): ZkRouteSource {
  const source = ZkRouteSource.start({ zookeeper, gatewayId, paths, logger, writeTimeoutMs: 500 });
  scratch.closeAfterEach(source);
  return source;
}

async function proxyToZk(): Promise<TcpProxy> {
  const proxy = await TcpProxy.start('127.0.0.1', scratch.server.port);
  scratch.closeAfterEach(proxy);
  return proxy;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('ZkRouteSource through ZooKeeper trouble', () => {
  it('ZooKeeper stopped: the last table keeps serving, degraded; restarted: degraded clears and a change made after the restart is applied', async () => {
    const op = await operator();
    await op.store.write('f_q', legacy('redis-a'), 0);
    const source = start({ connectString: scratch.server.connectString(), sessionTimeoutMs: LONG_SESSION_MS }, op.paths);
    await eventually(() => expect(source.status()).toMatchObject({ loaded: true, degraded: false }), WAIT);
    await scratch.server.kill();
    await eventually(() => expect(source.status().degraded).toBe(true), WAIT);
    expect(source.status()).toMatchObject({ loaded: true, appliedVersion: 1, detail: expect.stringMatching(/ZooKeeper (SUSPENDED|LOST).*serving routing table version 1/) as unknown });
    expect(source.routeOf('f_q')).toEqual({ mode: 'legacy', cluster: 'redis-a' });
    expect(source.routeOf('f_unknown')).toBeUndefined(); // no record: the routing backend's discovery, never a guessed route
    await expect(source.recordCreated('f_new', { mode: 'pacer', legacyCluster: null })).rejects.toThrow(/ZooKeeper unavailable/);
    await scratch.server.start();
    const after = await operator(op.paths); // a session of its own: the first one may not have survived the restart
    const { tableVersion } = await after.store.write('f_q', pacer('redis-a'), 1);
    await eventually(() => {
      expect(source.routeOf('f_q')).toEqual({ mode: 'pacer', legacyCluster: 'redis-a' });
      expect(source.status()).toMatchObject({ loaded: true, degraded: false, appliedVersion: tableVersion });
    }, WAIT);
  });

  it('a gateway cut off from ZooKeeper: degraded, serving the old route; back: the change made meanwhile is applied', async () => {
    const op = await operator();
    await op.store.write('f_cut', legacy('redis-a'), 0);
    const proxy = await proxyToZk();
    const source = start({ connectString: `127.0.0.1:${proxy.port}`, sessionTimeoutMs: LONG_SESSION_MS }, op.paths);
    await eventually(() => expect(source.status()).toMatchObject({ loaded: true, degraded: false }), WAIT);
    proxy.cut();
    await eventually(() => expect(source.status().degraded).toBe(true), WAIT);
    const { tableVersion } = await op.store.write('f_cut', pacer('redis-a'), 1);
    expect(source.routeOf('f_cut')).toEqual({ mode: 'legacy', cluster: 'redis-a' }); // the last table it read
    proxy.restore();
    await eventually(() => {
      expect(source.routeOf('f_cut')).toEqual({ mode: 'pacer', legacyCluster: 'redis-a' });
      expect(source.status()).toMatchObject({ degraded: false, appliedVersion: tableVersion });
    }, WAIT);
  });

  it("session expired: the new session re-creates the gateway's presence node and re-reads the table", async () => {
    const op = await operator();
    await op.store.write('f_exp', legacy('redis-a'), 0);
    const proxy = await proxyToZk();
    const sessions = ZkSessionManager.forConnectString(
      { connectString: `127.0.0.1:${proxy.port}`, sessionTimeoutMs: 2000 },
      { name: 'gateway', clock: systemClock, logger: silentLogger() },
    );
    scratch.closeAfterEach(sessions);
    await sessions.start();
    const source = start({ sessions }, op.paths, 'gw-exp');
    const old = sessions.client() as ZkClient;
    const presence = op.paths.gateway('gw-exp');
    await eventually(async () => expect((await op.zk.exists(presence))?.ephemeralOwner).toBe(old.sessionId()), WAIT);
    proxy.cut();
    const twin = await NodeZkClient.connect({ connectString: scratch.server.connectString(), sessionTimeoutMs: 2000, sessionId: Buffer.from(old.sessionId(), 'hex'), sessionPassword: old.sessionPassword() });
    await twin.close(); // the server ends the session now: its presence node is gone
    expect(await op.zk.exists(presence)).toBeNull();
    const { tableVersion } = await op.store.write('f_exp', pacer('redis-a'), 1);
    proxy.restore();
    await eventually(async () => {
      const fresh = sessions.client();
      expect(fresh).toBeDefined();
      expect(fresh?.sessionId()).not.toBe(old.sessionId());
      expect((await op.zk.exists(presence))?.ephemeralOwner).toBe(fresh?.sessionId());
      expect(source.status()).toMatchObject({ degraded: false, appliedVersion: tableVersion });
    }, WAIT);
    expect(source.routeOf('f_exp')).toEqual({ mode: 'pacer', legacyCluster: 'redis-a' });
    expect((await op.store.gateways()).map((g) => [g.gatewayId, g.appliedVersion])).toEqual([['gw-exp', tableVersion]]);
  });

  it('started while ZooKeeper is unreachable: not loaded, every queue refused (NO_HEALTHY_SHARDS), logged; loads once ZooKeeper answers', async () => {
    const op = await operator();
    await op.store.write('f_late', legacy('redis-a'), 0);
    await scratch.server.kill();
    const { logger, lines } = capturingLogger('warn');
    const source = start({ connectString: scratch.server.connectString(), sessionTimeoutMs: 1000 }, op.paths, 'gw-late', logger);
    await eventually(() => expect(lines().map((l) => l.msg)).toContain('routing table not loaded: ZooKeeper unreachable; nothing routed is served until it is read'), WAIT);
    expect(source.status()).toMatchObject({ loaded: false, degraded: true, appliedVersion: 0, detail: expect.stringMatching(/not read yet/) as unknown });
    for (const queue of ['f_late', 'anything']) {
      expect(thrown(() => source.routeOf(queue))).toMatchObject({ code: ErrorCode.NO_HEALTHY_SHARDS, message: expect.stringMatching(/Routing table not read yet/) as unknown });
    }
    await expect(source.recordCreated('f_new', { mode: 'pacer', legacyCluster: null })).rejects.toMatchObject({ code: ErrorCode.NO_HEALTHY_SHARDS });
    await scratch.server.start();
    await eventually(() => expect(source.status()).toMatchObject({ loaded: true, degraded: false, appliedVersion: 1 }), WAIT);
    expect(source.routeOf('f_late')).toEqual({ mode: 'legacy', cluster: 'redis-a' });
  });
});
