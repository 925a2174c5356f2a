/**
 * The routing gateway's composition (gateway/src/routing-gateway.ts) over real systems: a legacy
 * Redis cluster and Pacer (embedded) in fresh namespaces, with a routing table held in this
 * process (the ZooKeeper table is exercised by routing-gateway-process.test.ts). What it guards:
 * every system is built from its config, the gauges follow the table's status, lookups follow
 * Pacer's move ledger (a row of `job_moves`), closing the routing backend closes every system (and
 * the ledger's pool), and a start that fails part-way closes what it had built (the leak check
 * fails on a Redis socket or MySQL pool left open).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { silentLogger } from '../../core/src/logging/logger';
import { MemoryRouteSource } from '../../core/src/routing/memory-route-source';
import type { RouteSource, RoutingStatus } from '../../core/src/routing/queue-route';
import { DEFAULT_LEGACY_SETTINGS } from '../../core/src/types/legacy-backend-options';
import { systemClock } from '../../core/src/util/clock';
import type { RoutingGatewayConfig } from '../../gateway/src/routing-config';
import { buildRoutingGateway, type RouteSourceOpener } from '../../gateway/src/routing-gateway';
import { routingGaugeNames } from '../../gateway/src/stats/stat-names';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { legacySettings } from '../conformance/backends/legacy-settings';
import { assertNoLeaks } from '../support/leak-check';
import { withMysql } from '../support/mysql';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { testEnv } from '../support/test-env';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';

const NS = { label: 'routing-gateway-composition', monitor: {} };
const shards = [`${uniqueShardBase()}a`];
let pacerDb: PacerDb;
let dir: string;

beforeAll(async () => {
  pacerDb = await freshPacerDb();
  dir = mkdtempSync(join(tmpdir(), 'routing-compose-'));
}, 60_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await releaseNamespace(redisKeysNamespace(shards.flatMap(redisShardKeyPatterns)));
  await pacerDb.db.drop();
});
afterAll(assertNoLeaks);

function config(overrides: Partial<RoutingGatewayConfig> = {}): RoutingGatewayConfig {
  const { host, port, user, password } = testEnv().mysql;
  return {
    file: join(dir, 'routing.json'),
    legacyClusters: [{
      name: 'redis-a', backend: 'legacy-redis', backendConfig: redisBackendConfig(shards, []), backendConfigPath: join(dir, 'redis.json'),
      propertiesPath: join(dir, 'redis.properties'), settings: legacySettings(NS),
    }],
    pacer: { backendConfig: { mode: 'embedded', mysql: { host, port, user, password, database: pacerDb.mysql.database, connectionLimit: 2 } }, backendConfigPath: join(dir, 'pacer.json') },
    table: { zookeeper: '127.0.0.1:2181', root: '/pinlater-routing', defaultDestination: { mode: 'pacer' }, gatewayId: 'compose-test' },
    ...overrides,
  };
}

function deps(openRouteSource: RouteSourceOpener) {
  return {
    pacerSettings: { ...DEFAULT_LEGACY_SETTINGS, monitor: { ...DEFAULT_LEGACY_SETTINGS.monitor, enabled: false } },
    gatewayId: 'compose-test',
    openRouteSource,
    logger: silentLogger(),
    stats: new MemoryStats(),
    clock: systemClock,
  };
}

/** A table whose status the test sets. */
class SteerableRoutes extends MemoryRouteSource {
  current: RoutingStatus = { loaded: true, degraded: false, appliedVersion: 7, invalidRecords: 0, queuesByMode: { legacy: 0, shadow: 0, migrating: 0, pacer: 0 }, sessionConnected: true };
  closed = false;

  override status(): RoutingStatus {
    return this.current;
  }

  override close(): Promise<void> {
    this.closed = true;
    return super.close();
  }
}

describe('routing gateway composition', () => {
  it('builds every configured system behind one routing backend; gauges follow the table; close closes all', async () => {
    const routes = new SteerableRoutes();
    const opened: Array<{ zookeeper: string; gatewayId: string }> = [];
    const gw = await buildRoutingGateway(config(), deps((table, context) => {
      opened.push({ zookeeper: table.zookeeper, gatewayId: context.gatewayId });
      return Promise.resolve(routes);
    }));
    try {
      expect(opened).toEqual([{ zookeeper: '127.0.0.1:2181', gatewayId: 'compose-test' }]);
      const health = await gw.backend.health();
      expect(Object.keys(health.systems).sort()).toEqual(['pacer', 'redis-a']);
      await gw.backend.createQueue('compose_q');
      expect(routes.routeOf('compose_q')).toEqual({ mode: 'pacer', legacyCluster: null });
      expect(gw.gauges()).toEqual({
        [routingGaugeNames.degraded]: 0, [routingGaugeNames.loaded]: 1, [routingGaugeNames.appliedVersion]: 7, [routingGaugeNames.invalidRecords]: 0,
      });
      routes.current = { ...routes.current, degraded: true, invalidRecords: 2 };
      expect(gw.gauges()).toMatchObject({ [routingGaugeNames.degraded]: 1, [routingGaugeNames.invalidRecords]: 2 });
    } finally {
      await gw.backend.close();
    }
    expect(routes.closed).toBe(true);
  }, 60_000);

  it("follows Pacer's move ledger: a legacy descriptor recorded as moved is looked up where the job is now", async () => {
    const routes = new SteerableRoutes();
    routes.set('ledger_q', { mode: 'pacer', legacyCluster: 'redis-a' });
    const gw = await buildRoutingGateway(config(), deps(() => Promise.resolve(routes)));
    try {
      await gw.backend.createQueue('ledger_q');
      const [now] = await gw.backend.enqueueJobs({ queue: 'ledger_q', jobs: [{ body: Buffer.from('moved'), priority: 1, attemptsAllowed: 1, customStatus: '' }] });
      const old = `ledger_q:s${shards[0]}:p1:424242`; // never on the legacy cluster: only the ledger knows it
      expect((await gw.backend.lookupJobs({ descriptors: [old], includeBody: false })).size).toBe(0);
      await withMysql((db) => db.query(
        `INSERT INTO job_moves (migration_id, source_descriptor, target_descriptor, queue, state, priority, source_checksum, target_checksum, moved_at_ms)
         VALUES ('m-compose', ?, ?, 'ledger_q', 0, 1, '0000000000000000', '0000000000000000', 1)`,
        [old, now],
      ), pacerDb.mysql.database);
      const found = await gw.backend.lookupJobs({ descriptors: [old], includeBody: true });
      expect(found.get(old)).toMatchObject({ descriptor: now, body: Buffer.from('moved') });
    } finally {
      await gw.backend.close(); // the ledger's pool too: the leak check below would see it
    }
    await assertNoLeaks();
  }, 60_000);

  it('closes the systems it built when the routing table cannot be opened', async () => {
    const failing: RouteSourceOpener = (): Promise<RouteSource> => Promise.reject(new Error('routing table unavailable'));
    await expect(buildRoutingGateway(config(), deps(failing))).rejects.toThrow('routing table unavailable');
    await assertNoLeaks();
  }, 60_000);

  it('closes the clusters it built when a later system fails to build', async () => {
    const brokenPacer = { backendConfig: { mode: 'embedded', mysql: {} }, backendConfigPath: join(dir, 'pacer.json') };
    await expect(buildRoutingGateway(config({ pacer: brokenPacer }), deps(() => Promise.resolve(new MemoryRouteSource())))).rejects.toThrow(/database/);
    await assertNoLeaks();
  }, 60_000);
});
