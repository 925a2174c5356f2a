/**
 * The gateway side of the routing table (migration/src/routing/zk-route-source.ts) against the real
 * ZooKeeper, a fresh chroot per test: loading, applying an operator change within 1 s, records
 * that do not parse, shadow records (issue 13), creating a new queue's first record, the
 * gateway's presence node, and a tree that does not exist yet. ZooKeeper outages and session
 * expiry: routing-route-source-faults.test.ts.
 */
import { ErrorCode } from '../../core/src/errors/error-code';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import { silentLogger, type Logger } from '../../core/src/logging/logger';
import { systemClock } from '../../core/src/util/clock';
import { aclEquals } from '../../core/src/zookeeper/zk-acl';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import { ZkSessionManager } from '../../core/src/zookeeper/zk-session-manager';
import { recordAcl } from '../../migration/src/routing/routing-acl';
import { RoutingPaths } from '../../migration/src/routing/routing-paths';
import { serializeRoutingRecord, type RoutingRecord } from '../../migration/src/routing/routing-record';
import type { RoutingChange } from '../../migration/src/routing/routing-store';
import { setupRoutingTree } from '../../migration/src/routing/routing-tree-setup';
import { ZkRouteSource } from '../../migration/src/routing/zk-route-source';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { capturingLogger, routingTable, TEST_OPERATOR, type RoutingTableFixture } from './routing-fixtures';

jest.setTimeout(30_000);

const paths = new RoutingPaths();
const legacy = (cluster: string): RoutingChange => ({ mode: 'legacy', legacyCluster: cluster, changedBy: 'alice', reason: 'test' });
const pacer = (from: string | null): RoutingChange => ({ mode: 'pacer', legacyCluster: from, changedBy: 'alice', reason: 'test' });

let t: RoutingTableFixture;
const sources: ZkRouteSource[] = [];

beforeEach(async () => {
  t = await routingTable();
});
afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
  await t.release();
});
afterAll(assertNoLeaks);

function start(gatewayId: string, logger: Logger = silentLogger(), connectString = t.connectString): ZkRouteSource {
  const source = ZkRouteSource.start({ zookeeper: { connectString, sessionTimeoutMs: 10_000 }, gatewayId, logger, pid: 4242, host: 'test-host' });
  sources.push(source);
  return source;
}

async function loaded(source: ZkRouteSource): Promise<void> {
  await eventually(() => expect(source.status()).toMatchObject({ loaded: true, degraded: false }), { timeoutMs: 10_000 });
}

/** Writes `data` as the queue's record, bypassing the store's checks (a buggy or newer writer), and bumps the table. */
async function writeRaw(queue: string, data: Buffer): Promise<number> {
  const table = await t.operatorZk.get(paths.table());
  const exists = await t.operatorZk.exists(paths.queue(queue));
  await t.operatorZk.multi([
    ...(exists ? [{ op: 'delete' as const, path: paths.queue(queue) }] : []),
    { op: 'create', path: paths.queue(queue), data, acl: recordAcl() },
    { op: 'set', path: paths.table(), data: Buffer.from('{}'), version: table.stat.version },
  ]);
  return table.stat.version + 1;
}

describe('ZkRouteSource', () => {
  it('loads every record, serves its routes, and publishes its presence with the applied version', async () => {
    await t.store.write('rs_legacy', legacy('redis-a'), 0);
    await t.store.write('rs_pacer', pacer('mysql-b'), 0);
    const { tableVersion } = await t.store.write('rs_born', pacer(null), 0);
    const source = start('gw-1');
    await loaded(source);
    expect(source.routeOf('rs_legacy')).toEqual({ mode: 'legacy', cluster: 'redis-a' });
    expect(source.routeOf('rs_pacer')).toEqual({ mode: 'pacer', legacyCluster: 'mysql-b' });
    expect(source.routeOf('rs_born')).toEqual({ mode: 'pacer', legacyCluster: null });
    expect(source.routeOf('rs_unknown')).toBeUndefined();
    expect(source.status()).toEqual({ loaded: true, degraded: false, appliedVersion: tableVersion, invalidRecords: 0, queuesByMode: { legacy: 1, shadow: 0, migrating: 0, pacer: 2 }, sessionConnected: true });
    await eventually(async () => expect(await t.store.gateways()).toEqual([
      expect.objectContaining({ gatewayId: 'gw-1', host: 'test-host', pid: 4242, appliedVersion: tableVersion, loaded: true }),
    ]));
  });

  it('applies an operator change within 1 s of its write, and publishes the new version', async () => {
    await t.store.write('rs_move', legacy('redis-a'), 0);
    const source = start('gw-1');
    await loaded(source);
    for (const [change, route, expected] of [
      [pacer('redis-a'), { mode: 'pacer', legacyCluster: 'redis-a' }, 1],
      [legacy('redis-a'), { mode: 'legacy', cluster: 'redis-a' }, 2],
    ] as const) {
      const { tableVersion } = await t.store.write('rs_move', change, expected + 0);
      const committed = Date.now();
      await eventually(() => expect(source.routeOf('rs_move')).toEqual(route), { timeoutMs: 5000, intervalMs: 5 });
      expect(Date.now() - committed).toBeLessThan(1000);
      // A read takes the table version first, then the records (routing-table-reader.ts): a write
      // landing between them gives a read whose routes are newer than its version, and the version
      // watch brings the version up with the next read. It may trail the routes; never lead them.
      await eventually(() => expect(source.status().appliedVersion).toBe(tableVersion), { timeoutMs: 5000, intervalMs: 5 });
      expect(Date.now() - committed).toBeLessThan(1000);
      await eventually(async () => expect((await t.store.gateways())[0]?.appliedVersion).toBe(tableVersion));
    }
  });

  it('ignores a record that does not parse: the previous route stays, counted once, logged; a never-good record refuses its queue', async () => {
    await t.store.write('rs_good', legacy('redis-a'), 0);
    const { logger, lines } = capturingLogger('error');
    const source = start('gw-1', logger);
    await loaded(source);
    const version = await writeRaw('rs_good', Buffer.from('{"format":1,"queue":"rs_good","mode":'));
    await eventually(() => expect(source.status().appliedVersion).toBe(version));
    expect(source.routeOf('rs_good')).toEqual({ mode: 'legacy', cluster: 'redis-a' });
    expect(source.status().invalidRecords).toBe(1);
    expect(lines().filter((l) => l.msg === 'routing record ignored')).toEqual([expect.objectContaining({ queue: 'rs_good', why: expect.stringMatching(/not JSON/) as unknown })]);
    const other = await t.store.write('rs_other', pacer(null), 0); // another change: the bad record is read again, not counted again
    await eventually(() => expect(source.status().appliedVersion).toBe(other.tableVersion));
    expect(source.status().invalidRecords).toBe(1);
    const onlyBad = await writeRaw('rs_never_good', Buffer.from('garbage'));
    await eventually(() => expect(source.status().appliedVersion).toBe(onlyBad));
    expect(source.status().invalidRecords).toBe(2);
    const refused = (() => {
      try {
        return source.routeOf('rs_never_good');
      } catch (e) {
        return e;
      }
    })();
    expect(refused).toBeInstanceOf(PinLaterError);
    expect((refused as PinLaterError).code).toBe(ErrorCode.NO_HEALTHY_SHARDS);
  });

  it('serves a shadow record as the shadow route on its legacy cluster (issue 13); one without a cluster keeps the previous route, like a record that does not parse', async () => {
    const { record } = await t.store.write('rs_mig', legacy('redis-a'), 0);
    const source = start('gw-1');
    await loaded(source);
    const shadow = await t.store.write('rs_mig', { ...legacy('redis-a'), mode: 'shadow' }, record.version);
    await eventually(() => expect(source.status().appliedVersion).toBe(shadow.tableVersion));
    expect(source.routeOf('rs_mig')).toEqual({ mode: 'shadow', legacyCluster: 'redis-a' });
    expect(source.status()).toMatchObject({ invalidRecords: 0, queuesByMode: { legacy: 0, shadow: 1, migrating: 0, pacer: 0 } });
    const broken: RoutingRecord = { ...shadow.record, legacyCluster: null, version: shadow.record.version + 1, changedBy: 'buggy-cli' };
    const version = await writeRaw('rs_mig', serializeRoutingRecord(broken));
    await eventually(() => expect(source.status().appliedVersion).toBe(version));
    expect(source.routeOf('rs_mig')).toEqual({ mode: 'shadow', legacyCluster: 'redis-a' });
    expect(source.status().invalidRecords).toBe(1);
  });

  it("recordCreated writes a new queue's first record as the gateway (immutable, read-only ACL); another gateway sees it and never overwrites it", async () => {
    await t.store.write('rs_existing', legacy('redis-a'), 0);
    const [gw1, gw2] = [start('gw-1'), start('gw-2')];
    await Promise.all([loaded(gw1), loaded(gw2)]);
    expect(await gw1.recordCreated('rs_fresh', { mode: 'pacer', legacyCluster: null })).toEqual({ mode: 'pacer', legacyCluster: null });
    expect(await t.store.read('rs_fresh')).toMatchObject({ mode: 'pacer', legacyCluster: null, version: 1, changedBy: 'gateway:gw-1' });
    expect(aclEquals((await t.operatorZk.getAcl(paths.queue('rs_fresh'))).acl, recordAcl())).toBe(true);
    await eventually(() => expect(gw2.routeOf('rs_fresh')).toEqual({ mode: 'pacer', legacyCluster: null })); // the children watch
    // a record exists: the route in force comes back and nothing is written
    expect(await gw2.recordCreated('rs_fresh', { mode: 'legacy', cluster: 'redis-a' })).toEqual({ mode: 'pacer', legacyCluster: null });
    expect(await gw2.recordCreated('rs_existing', { mode: 'pacer', legacyCluster: null })).toEqual({ mode: 'legacy', cluster: 'redis-a' });
    expect((await t.store.read('rs_fresh'))?.changedBy).toBe('gateway:gw-1');
    expect((await t.store.read('rs_existing'))?.version).toBe(1);
  });

  it('a table read that started before recordCreated does not drop the new route when it is applied', async () => {
    // The gateway's session lists <root>/queues as usual, but while `hold` is set the listing is
    // answered only when the test releases it: a read is caught between its listing (without the
    // new queue) and its apply.
    let hold: Promise<void> | undefined;
    let listed: (() => void) | undefined;
    let releaseLater: () => void = () => undefined;
    const gated = (zk: ZkClient): ZkClient =>
      new Proxy(zk, {
        get(target, prop, receiver) {
          const value: unknown = Reflect.get(target, prop, receiver);
          if (prop !== 'children' || typeof value !== 'function') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          return async (...args: unknown[]) => {
            const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            if (args[0] === paths.queues() && hold !== undefined) {
              listed?.();
              await hold;
            }
            return result;
          };
        },
      });
    const sessions = new ZkSessionManager({
      name: 'gw-gated', clock: systemClock, logger: silentLogger(),
      connect: async () => gated(await NodeZkClient.connect({ connectString: t.connectString, sessionTimeoutMs: 10_000 })),
    });
    await sessions.start();
    const source = ZkRouteSource.start({ zookeeper: { sessions }, gatewayId: 'gw-gated', logger: silentLogger(), pid: 4242, host: 'test-host' });
    try {
      await loaded(source);
      let release: () => void = () => undefined;
      hold = new Promise<void>((resolve) => (release = resolve));
      const listedOnce = new Promise<void>((resolve) => (listed = resolve));
      const version = await t.store.write('rs_other', legacy('redis-a'), 0); // a change: the gateway reads the table
      await listedOnce; // its listing is done, without rs_gated_new
      const created = await source.recordCreated('rs_gated_new', { mode: 'pacer', legacyCluster: null });
      expect(source.routeOf('rs_gated_new')).toEqual(created);
      hold = new Promise<void>((resolve) => (releaseLater = resolve)); // the follow-up read (the creation fired the watch) stays held
      release();
      await eventually(() => expect(source.status().appliedVersion).toBe(version.tableVersion), { timeoutMs: 10_000 });
      expect(source.routeOf('rs_other')).toEqual({ mode: 'legacy', cluster: 'redis-a' });
      expect(source.routeOf('rs_gated_new')).toEqual({ mode: 'pacer', legacyCluster: null });
    } finally {
      hold = undefined;
      releaseLater();
      await source.close();
      await sessions.close();
    }
  });

  it('two gateways creating the same new queue at once: one record, both answer with it', async () => {
    const [gw1, gw2] = [start('gw-1'), start('gw-2')];
    await Promise.all([loaded(gw1), loaded(gw2)]);
    const [a, b] = await Promise.all([
      gw1.recordCreated('rs_both', { mode: 'pacer', legacyCluster: null }),
      gw2.recordCreated('rs_both', { mode: 'legacy', cluster: 'redis-a' }),
    ]);
    expect(a).toEqual(b);
    const record = await t.store.read('rs_both');
    expect(record?.version).toBe(1);
    expect(a).toEqual(record?.mode === 'pacer' ? { mode: 'pacer', legacyCluster: null } : { mode: 'legacy', cluster: 'redis-a' });
  });

  it('close() ends the presence', async () => {
    const source = start('gw-close');
    await loaded(source);
    await eventually(async () => expect(await t.store.gateways()).toHaveLength(1));
    await source.close();
    expect(await t.store.gateways()).toEqual([]);
  });

  it('a routing tree that does not exist yet: not loaded (refuses every queue), loads once an operator sets it up', async () => {
    const other = new RoutingPaths('/not-yet');
    const source = ZkRouteSource.start({ zookeeper: { connectString: t.connectString, sessionTimeoutMs: 10_000 }, gatewayId: 'gw-early', logger: silentLogger(), paths: other });
    sources.push(source);
    await eventually(() => expect(source.status().detail).toMatch(/\/not-yet does not exist/));
    expect(source.status()).toMatchObject({ loaded: false, appliedVersion: 0 });
    expect(() => source.routeOf('anything')).toThrow(/Routing table not read yet/);
    await expect(source.recordCreated('anything', { mode: 'pacer', legacyCluster: null })).rejects.toMatchObject({ code: ErrorCode.NO_HEALTHY_SHARDS });
    await setupRoutingTree(t.operatorZk, TEST_OPERATOR, { paths: other });
    await eventually(() => expect(source.status()).toMatchObject({ loaded: true, degraded: false, appliedVersion: 0 }));
    expect(source.routeOf('anything')).toBeUndefined();
  });
});
