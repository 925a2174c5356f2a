/**
 * The queue limits in ZooKeeper as a gateway reads them (migration/src/routing/zk-limit-source.ts,
 * started by ZkRouteSource with `limits`), on a fresh chroot of the shared ZooKeeper
 * (routing-fixtures.ts) written by the operator's store (queue-limit-store.ts): snapshots reach the
 * listener with the live gateway count, the presence carries the limits version applied, bad
 * limits are never applied (the previous one stays, logged once), the read is bounded, a tree set
 * up before limits existed gets them from a re-run of setup, and the limits survive a connection
 * cut and an expired session (re-read on the way back; the presence is re-created with them).
 */
import { silentLogger, type Logger } from '../../core/src/logging/logger';
import { systemClock } from '../../core/src/util/clock';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { DigestCredential } from '../../core/src/zookeeper/zk-acl';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import { ZkCode } from '../../core/src/zookeeper/zk-error';
import { ZkSessionManager } from '../../core/src/zookeeper/zk-session-manager';
import { parsePresence } from '../../migration/src/routing/gateway-presence';
import { QueueLimitStore, type QueueLimitChange } from '../../migration/src/routing/queue-limit-store';
import { limitRecordAcl } from '../../migration/src/routing/routing-acl';
import { RoutingPermissionError } from '../../migration/src/routing/routing-errors';
import { RoutingPaths } from '../../migration/src/routing/routing-paths';
import { setupRoutingTree } from '../../migration/src/routing/routing-tree-setup';
import type { QueueLimitsSnapshot } from '../../migration/src/routing/zk-limit-source';
import { ZkRouteSource, type ZkRouteSourceOptions } from '../../migration/src/routing/zk-route-source';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { TcpProxy } from '../support/tcp-proxy';
import { testEnv } from '../support/test-env';
import { capturingLogger, routingTable, TEST_OPERATOR, type RoutingTableFixture } from './routing-fixtures';

jest.setTimeout(60_000);

const WAIT = { timeoutMs: 20_000, intervalMs: 20 };
const pause = (reason = 'test'): QueueLimitChange => ({ maxJobsPerSecond: null, paused: true, changedBy: 'alice', reason });
const rate = (maxJobsPerSecond: number): QueueLimitChange => ({ maxJobsPerSecond, paused: false, changedBy: 'alice', reason: 'test' });

let table: RoutingTableFixture;
let limits: QueueLimitStore;
const closing: Array<{ close(): Promise<unknown> }> = [];

beforeEach(async () => {
  table = await routingTable();
  limits = await QueueLimitStore.open(table.operatorZk, TEST_OPERATOR);
});
afterEach(async () => {
  for (const c of closing.splice(0).reverse()) await c.close();
  await table.release();
});
afterAll(assertNoLeaks);

/** A gateway's route source with limits, recording every snapshot. */
function gateway(zookeeper: ZkRouteSourceOptions['zookeeper'], gatewayId: string, options: { logger?: Logger; maxRecords?: number } = {}): { source: ZkRouteSource; snapshots: QueueLimitsSnapshot[] } {
  const snapshots: QueueLimitsSnapshot[] = [];
  const listener = (s: QueueLimitsSnapshot): void => {
    snapshots.push(s);
  };
  const source = ZkRouteSource.start({
    zookeeper, gatewayId, logger: options.logger ?? silentLogger(), writeTimeoutMs: 500,
    limits: { listener, ...(options.maxRecords === undefined ? {} : { maxRecords: options.maxRecords }) },
  });
  closing.push(source);
  return { source, snapshots };
}

const last = (snapshots: readonly QueueLimitsSnapshot[]): QueueLimitsSnapshot => {
  const s = snapshots[snapshots.length - 1];
  if (s === undefined) throw new Error('no snapshot yet');
  return s;
};

async function presenceOf(gatewayId: string): Promise<{ limitsVersion?: number; loaded: boolean }> {
  const node = await table.operatorZk.get(table.store.paths.gateway(gatewayId));
  const presence = parsePresence(node.data);
  if (presence === undefined) throw new Error('presence does not parse');
  return presence;
}

describe('queue limits read by a gateway (ZkLimitSource)', () => {
  it('applies each change live with the live gateway count, and publishes the limits version in the presence', async () => {
    const first = await limits.write('q_pause', pause(), 0);
    const a = gateway({ connectString: table.connectString }, 'gw-a');
    await eventually(async () => expect(await presenceOf('gw-a')).toMatchObject({ loaded: true, limitsVersion: first.limitsVersion }), WAIT);
    expect(last(a.snapshots)).toMatchObject({ limitsVersion: first.limitsVersion, gatewayCount: 1, invalidRecords: 0, limitsNodeMissing: false });
    expect(last(a.snapshots).limits.get('q_pause')).toMatchObject({ paused: true, maxJobsPerSecond: null, version: 1, changedBy: 'alice' });

    const b = gateway({ connectString: table.connectString }, 'gw-b');
    await eventually(() => expect(last(a.snapshots).gatewayCount).toBe(2), WAIT);
    const second = await limits.write('q_rate', rate(30), 0);
    for (const [id, g] of [['gw-a', a], ['gw-b', b]] as const) {
      await eventually(async () => {
        expect(await presenceOf(id)).toMatchObject({ limitsVersion: second.limitsVersion });
        expect(last(g.snapshots)).toMatchObject({ limitsVersion: second.limitsVersion, gatewayCount: 2 });
        expect(last(g.snapshots).limits.get('q_rate')).toMatchObject({ maxJobsPerSecond: 30, paused: false });
      }, WAIT);
    }
    await b.source.close();
    await eventually(() => expect(last(a.snapshots).gatewayCount).toBe(1), WAIT);
    const cleared = await limits.write('q_pause', null, 1);
    await eventually(() => expect([...last(a.snapshots).limits.keys()]).toEqual(['q_rate']), WAIT);
    expect(last(a.snapshots).limitsVersion).toBe(cleared.limitsVersion);
  });

  it('only the operator creates, changes or deletes a limit (ZooKeeper refuses anyone else: RoutingPermissionError)', async () => {
    await limits.write('q_acl', pause(), 0);
    const intruderZk = await table.connect();
    const intruder = await QueueLimitStore.open(intruderZk, DigestCredential.parse('intruder:guess'));
    await expect(intruder.write('q_new_acl', pause(), 0)).rejects.toBeInstanceOf(RoutingPermissionError);
    await expect(intruder.write('q_acl', rate(5), 1)).rejects.toBeInstanceOf(RoutingPermissionError);
    await expect(intruder.write('q_acl', null, 1)).rejects.toBeInstanceOf(RoutingPermissionError);
    await expect(intruderZk.set(new RoutingPaths().limit('q_acl'), Buffer.from('{}'))).rejects.toMatchObject({ code: ZkCode.NO_AUTH });
    expect((await limits.find('q_acl'))?.record).toMatchObject({ paused: true, version: 1 });
    expect(await limits.find('q_new_acl')).toBeUndefined();
  });

  it('never applies a bad limit: the previous one stays, logged and counted once per bad version', async () => {
    await limits.write('q_bad', rate(10), 0);
    const { logger, lines } = capturingLogger('error');
    const a = gateway({ connectString: table.connectString }, 'gw-bad', { logger });
    await eventually(() => expect(last(a.snapshots).limits.get('q_bad')?.maxJobsPerSecond).toBe(10), WAIT);
    const badVersion = await writeRaw(table.operatorZk, 'q_bad', Buffer.from(JSON.stringify({ format: 1, queue: 'q_bad', maxJobsPerSecond: -5, paused: false, version: 2, changedAt: 'x', changedBy: 'alice', reason: '' })));
    await eventually(() => expect(last(a.snapshots).limitsVersion).toBe(badVersion), WAIT);
    expect(last(a.snapshots).limits.get('q_bad')?.maxJobsPerSecond).toBe(10);
    expect(last(a.snapshots).invalidRecords).toBe(1);
    const other = await limits.write('q_other', pause(), 0); // a re-read: the same bad version is not counted again
    await eventually(() => expect(last(a.snapshots).limitsVersion).toBe(other.limitsVersion), WAIT);
    expect(last(a.snapshots)).toMatchObject({ invalidRecords: 1 });
    expect(lines().filter((l) => l.msg === 'queue limit ignored')).toHaveLength(1);
    // A queue whose first limit is bad has none (never a guess), and a node too large is not even parsed.
    const big = await writeRaw(table.operatorZk, 'q_big', Buffer.from(JSON.stringify({ ...pause(), reason: 'x'.repeat(5000) })));
    await eventually(() => expect(last(a.snapshots).limitsVersion).toBe(big), WAIT);
    expect(last(a.snapshots).limits.has('q_big')).toBe(false);
    expect(lines().find((l) => l.queue === 'q_big')?.why).toMatch(/bytes, more than 4096/);
  });

  it('reads at most maxRecords limits (the first by name), logged', async () => {
    for (const q of ['q_a', 'q_b', 'q_c']) await limits.write(q, pause(), 0);
    const { logger, lines } = capturingLogger('error');
    const a = gateway({ connectString: table.connectString }, 'gw-bound', { logger, maxRecords: 2 });
    await eventually(() => expect([...last(a.snapshots).limits.keys()].sort()).toEqual(['q_a', 'q_b']), WAIT);
    expect(lines().map((l) => l.msg)).toContain('more queue limits than this gateway reads: the ones beyond the bound are not applied');
  });

  it('a tree set up before limits existed: no limits, the table still served; a re-run of setup adds them live', async () => {
    const paths = new RoutingPaths();
    await table.operatorZk.delete(paths.limits());
    const a = gateway({ connectString: table.connectString }, 'gw-old');
    await eventually(() => expect(a.source.status().loaded).toBe(true), WAIT);
    expect(last(a.snapshots)).toMatchObject({ limitsNodeMissing: true, limitsVersion: 0 });
    const setup = await setupRoutingTree(table.operatorZk, TEST_OPERATOR);
    expect(setup.created).toEqual([paths.limits()]);
    const written = await limits.write('q_new', pause(), 0);
    await eventually(async () => {
      expect(last(a.snapshots)).toMatchObject({ limitsNodeMissing: false, limitsVersion: written.limitsVersion });
      expect(await presenceOf('gw-old')).toMatchObject({ limitsVersion: written.limitsVersion });
    }, WAIT);
  });

  it('connection cut: the last limits stay; back: the change made meanwhile is applied', async () => {
    await limits.write('q_cut', pause(), 0);
    const proxy = await proxy2181();
    const a = gateway({ connectString: `127.0.0.1:${proxy.port}${chrootOf(table.connectString)}`, sessionTimeoutMs: 8000 }, 'gw-cut');
    await eventually(async () => expect(await presenceOf('gw-cut')).toMatchObject({ limitsVersion: 1 }), WAIT); // nothing in flight when cut
    expect(last(a.snapshots).limits.get('q_cut')?.paused).toBe(true);
    proxy.cut();
    await eventually(() => expect(a.source.status().degraded).toBe(true), WAIT);
    const changed = await limits.write('q_cut', rate(5), 1);
    expect(last(a.snapshots).limits.get('q_cut')?.paused).toBe(true); // the pause stays in force while cut off
    proxy.restore();
    await eventually(() => expect(last(a.snapshots)).toMatchObject({ limitsVersion: changed.limitsVersion }), WAIT);
    expect(last(a.snapshots).limits.get('q_cut')).toMatchObject({ paused: false, maxJobsPerSecond: 5 });
  });

  it('session expired: the new session re-reads the limits and the new presence carries their version', async () => {
    await limits.write('q_exp', pause(), 0);
    const proxy = await proxy2181();
    const sessions = ZkSessionManager.forConnectString(
      { connectString: `127.0.0.1:${proxy.port}${chrootOf(table.connectString)}`, sessionTimeoutMs: 4000 },
      { name: 'gateway', clock: systemClock, logger: silentLogger() },
    );
    closing.push(sessions);
    await sessions.start();
    const a = gateway({ sessions }, 'gw-exp');
    const old = sessions.client() as ZkClient;
    await eventually(async () => expect(await presenceOf('gw-exp')).toMatchObject({ limitsVersion: 1 }), WAIT);
    proxy.cut();
    const twin = await NodeZkClient.connect({ connectString: table.connectString, sessionTimeoutMs: 4000, sessionId: Buffer.from(old.sessionId(), 'hex'), sessionPassword: old.sessionPassword() });
    await twin.close(); // the server ends the session now: its presence node is gone
    const changed = await limits.write('q_exp', null, 1);
    proxy.restore();
    await eventually(async () => {
      expect(sessions.client()?.sessionId()).not.toBe(old.sessionId());
      expect(last(a.snapshots)).toMatchObject({ limitsVersion: changed.limitsVersion });
      expect(await presenceOf('gw-exp')).toMatchObject({ limitsVersion: changed.limitsVersion });
    }, WAIT);
    expect(last(a.snapshots).limits.size).toBe(0);
  });
});

/** Replaces (or creates) the queue's limit node with `data` as the operator, bumping `limits`; the new limits version. */
async function writeRaw(zk: ZkClient, queue: string, data: Buffer): Promise<number> {
  const paths = new RoutingPaths();
  const node = await zk.get(paths.limits());
  const existing = await zk.exists(paths.limit(queue));
  await zk.multi([
    ...(existing === null ? [] : [{ op: 'delete', path: paths.limit(queue), version: existing.version } as const]),
    { op: 'create', path: paths.limit(queue), data, acl: limitRecordAcl() },
    { op: 'set', path: paths.limits(), data: Buffer.from('{}'), version: node.stat.version },
  ]);
  return node.stat.version + 1;
}

async function proxy2181(): Promise<TcpProxy> {
  const { host, port } = testEnv().zookeeper;
  const proxy = await TcpProxy.start(host, port);
  closing.push(proxy);
  return proxy;
}

function chrootOf(connectString: string): string {
  return connectString.slice(connectString.indexOf('/'));
}
