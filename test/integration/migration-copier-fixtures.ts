/**
 * What an in-process copier test works against (migration-copier-crash, migration-copier-control):
 * a legacy cluster (Redis with two shards, or MySQL with one instance) in a fresh namespace, an
 * embedded Pacer on a fresh database, Pacer's migration stores (rows, ledger) over a pool of their
 * own, and a routing table in a fresh ZooKeeper chroot with the copier's routing access to it.
 * `close()` releases everything (namespaces kept when the test failed, as everywhere).
 */
import type { Pool } from 'mysql2/promise';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import type { Logger } from '../../core/src/logging/logger';
import { systemClock } from '../../core/src/util/clock';
import { createLegacyRedisBackend } from '../../legacy-adapter';
import { ReconnectingRoutingStore } from '../../migration/src/copier/routing-access';
import { createMysqlPool, createPacerBackend, MigrationStateStore, MoveLedgerStore, type PacerBackend } from '../../pacer';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { legacyOptions, legacySettings } from '../conformance/backends/legacy-settings';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueMysqlInstanceId, uniqueShardBase } from '../support/namespaces';
import { dropInstanceDatabases, mysqlTestSettings, startMysqlBackend, TestClock } from './legacy-mysql-fixtures';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';
import { routingTable, TEST_OPERATOR, type RoutingTableFixture } from './routing-fixtures';

export type LegacyKind = 'legacy-redis' | 'legacy-mysql';

/** The Pacer side of a migration: an embedded Pacer, its migration stores, the routing table. */
export interface PacerMigrationSide {
  readonly pacerDb: PacerDb;
  readonly pacer: PacerBackend;
  readonly pool: Pool;
  readonly states: MigrationStateStore;
  readonly ledger: MoveLedgerStore;
  readonly table: RoutingTableFixture;
  readonly routing: ReconnectingRoutingStore;
}

export interface CopierWorld extends PacerMigrationSide {
  readonly legacy: PinLaterBackend;
  close(): Promise<void>;
}

/**
 * An embedded Pacer on a fresh database (monitor off), Pacer's migration stores over a pool of
 * their own, and a routing table in a fresh ZooKeeper chroot with the copier's routing access to
 * it; each resource is handed to `track` to be closed (also used by bench/migration-copy.ts).
 */
export async function openPacerMigrationSide(
  track: (close: () => Promise<unknown>) => unknown, pacerOptions: { readonly defaultPartitions?: number; readonly logger?: Logger } = {},
): Promise<PacerMigrationSide> {
  const pacerDb = await freshPacerDb();
  track(() => pacerDb.db.drop());
  const pacer = await createPacerBackend({
    topology: { mode: 'embedded', safetySweepMs: 0 }, mysql: pacerDb.mysql, ...pacerOptions,
    monitor: { claimTimeoutMs: 3_600_000, succeededTtlMs: 86_400_000, failedTtlMs: 86_400_000, enabled: false },
  });
  track(() => pacer.close());
  const pool = createMysqlPool({ ...pacerDb.mysql, connectionLimit: 4, connectTimeoutMs: 5000 });
  track(() => pool.end());
  const table = await routingTable();
  track(() => table.release());
  const routing = new ReconnectingRoutingStore({ connectString: table.connectString, root: table.store.paths.root, credential: TEST_OPERATOR });
  track(() => routing.close());
  return { pacerDb, pacer, pool, table, routing, states: new MigrationStateStore(pool, systemClock), ledger: new MoveLedgerStore(pool, systemClock) };
}

export async function copierWorld(kind: LegacyKind, label: string): Promise<CopierWorld> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  try {
    const legacy = await openLegacy(kind, label, closers);
    const side = await openPacerMigrationSide((c) => closers.push(c), { defaultPartitions: 2 });
    return { ...side, legacy, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function openLegacy(kind: LegacyKind, label: string, closers: Array<() => Promise<unknown>>): Promise<PinLaterBackend> {
  if (kind === 'legacy-redis') {
    const base = uniqueShardBase();
    const shards = [`${base}a`, `${base}b`];
    const ns = { label, monitor: {} };
    closers.push(() => releaseNamespace(redisKeysNamespace(shards.flatMap(redisShardKeyPatterns))));
    const backend = await createLegacyRedisBackend(legacyOptions(ns, redisBackendConfig(shards, []), legacySettings(ns)));
    closers.push(() => backend.close());
    return backend;
  }
  const id = uniqueMysqlInstanceId();
  closers.push(() => dropInstanceDatabases([id]));
  const clock = Object.assign(new TestClock(), { nowMs: () => Date.now() });
  const h = await startMysqlBackend({ instances: [{ id }], settings: mysqlTestSettings(), clock });
  closers.push(() => h.close());
  return h.backend;
}
