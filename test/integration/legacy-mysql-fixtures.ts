/**
 * Shared setup of the legacy MySQL integration tests (test/integration/legacy-mysql-*.test.ts).
 * Every test uses fresh instance ids (the shard name is inside every `plq_<shard>_<queue>`
 * database name), drops the databases of its instances afterwards (kept and named when the test or
 * suite failed: test/support/namespace-keeper.ts) and closes every pool.
 */
import mysql, { type Connection } from 'mysql2/promise';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { createLogger } from '../../core/src/logging/logger';
import type { LegacyBackendSettings } from '../../core/src/types/legacy-backend-options';
import { PINLATER_MYSQL_DEFAULT_SETTINGS } from '../../legacy-adapter/src/mysql/mysql-default-settings';
import { buildLegacyMysqlBackend, type LegacyMysqlBackend, type MysqlBackendInternals } from '../../legacy-adapter/src/mysql/create-mysql-backend';
import { releaseNamespace, type ReleaseOutcome } from '../support/namespace-keeper';
import { uniqueMysqlInstanceId } from '../support/namespaces';
import { testEnv, testLogLevel } from '../support/test-env';

export const PREFIX = 'pinlaterlocaldb';

/** A clock tests move by hand. */
export class TestClock {
  constructor(public t = Date.now()) {}
  nowMs(): number {
    return this.t;
  }
}

export function mysqlTestSettings(overrides: Partial<LegacyBackendSettings> = {}, mysqlOverrides: Partial<LegacyBackendSettings['mysql']> = {}): LegacyBackendSettings {
  const base = PINLATER_MYSQL_DEFAULT_SETTINGS;
  return {
    ...base,
    monitor: { ...base.monitor, enabled: false },
    ...overrides,
    mysql: { ...base.mysql, allowedHostnamePrefix: PREFIX, ...mysqlOverrides },
  };
}

export interface InstanceSpec {
  id: number;
  port?: number;
  dequeueOnly?: boolean;
}

/** PinLater's backend JSON for the given instances (local MariaDB unless a port is given). */
export function backendJson(instances: InstanceSpec[]): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const i of instances) {
    json[`${PREFIX}${i.id}`] = {
      master: { host: testEnv().mysql.host, port: i.port ?? testEnv().mysql.port },
      slave: { host: testEnv().mysql.host, port: i.port ?? testEnv().mysql.port },
      user: testEnv().mysql.user,
      passwd: testEnv().mysql.password,
      ...(i.dequeueOnly === undefined ? {} : { dequeueOnly: i.dequeueOnly }),
    };
  }
  return json;
}

export interface MysqlBackendHarness extends LegacyMysqlBackend {
  stats: MemoryStats;
  clock: TestClock;
  instanceIds: number[];
  close(): Promise<void>;
}

export async function startMysqlBackend(options: {
  instances?: InstanceSpec[];
  settings?: LegacyBackendSettings;
  clock?: TestClock;
  internals?: MysqlBackendInternals;
  backendConfigPath?: string;
} = {}): Promise<MysqlBackendHarness> {
  const instances = options.instances ?? [{ id: uniqueMysqlInstanceId() }];
  const stats = new MemoryStats();
  const clock = options.clock ?? new TestClock();
  const built = await buildLegacyMysqlBackend(
    {
      backendConfig: backendJson(instances),
      ...(options.backendConfigPath === undefined ? {} : { backendConfigPath: options.backendConfigPath }),
      settings: options.settings ?? mysqlTestSettings(),
      logger: createLogger({ name: 'legacy-mysql-test', level: testLogLevel() }),
      stats,
      clock,
    },
    options.internals,
  );
  return { ...built, stats, clock, instanceIds: instances.map((i) => i.id), close: () => built.backend.close() };
}

/** A root connection with the session time zone pinned (default: the process offset, UTC here). */
export async function rawConnection(timeZone = '+00:00', port = testEnv().mysql.port): Promise<Connection> {
  const conn = await mysql.createConnection({ ...testEnv().mysql, port, dateStrings: true, connectTimeout: 5000 });
  await conn.query('SET time_zone = ?', [timeZone]);
  return conn;
}

/**
 * Drops every `plq_<id>…` database of these instances (all logical shards), unless the test or
 * suite whose cleanup calls it failed: then they are kept and named in the failure.
 */
export function dropInstanceDatabases(instanceIds: number[], port = testEnv().mysql.port): Promise<ReleaseOutcome> {
  return releaseNamespace({
    kind: 'MySQL databases',
    name: instanceIds.map((id) => `plq_${id}_* plq_${id}d*_*`).join(' '),
    inspect: `mysql -h127.0.0.1 -P${port} -uroot -e "SHOW DATABASES LIKE 'plq%'" | grep -E '^plq_?(${instanceIds.join('|')})'`,
    remove: () => removeInstanceDatabases(instanceIds, port),
  });
}

async function removeInstanceDatabases(instanceIds: number[], port: number): Promise<void> {
  const conn = await rawConnection('+00:00', port);
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SHOW DATABASES');
    const names = rows.map((r) => String(Object.values(r)[0]));
    for (const name of names) {
      if (instanceIds.some((id) => new RegExp(`^plq_${id}(d\\d+)?_`).test(name) || name.startsWith(`plq${id}`))) {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      }
    }
  } finally {
    await conn.end();
  }
}

export async function selectRows(conn: Connection, sql: string, values: unknown[] = []): Promise<mysql.RowDataPacket[]> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(sql, values);
  return rows;
}
