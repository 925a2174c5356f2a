/**
 * A fresh, isolated namespace on the shared legacy stores for one gateway process of a benchmark,
 * and how to delete it again. The shard name is inside every PinLater Redis key and MySQL database
 * name, so new shard names (Redis) or a new instance id (MySQL) keep a run away from everyone
 * else's data; `drop()` deletes only what carries those names (never FLUSHALL, never other
 * databases). Benchmarks only.
 */
import { randomBytes, randomInt } from 'node:crypto';
import mysql from 'mysql2/promise';
import { createClient } from 'redis';

export type LegacyBackendName = 'redis' | 'mysql';

export interface LegacyNamespace {
  description: string;
  /** PinLater's backend JSON (`--backend-config`). */
  backendJson: unknown;
  /** The backend's lines of the gateway properties file. */
  properties: string[];
  drop(): Promise<void>;
}

const HOST = '127.0.0.1';
const REDIS_PORT = 6379;
const MYSQL_PORT = 3306;

export function freshNamespace(backend: LegacyBackendName, mysqlDbsPerQueue = 2): LegacyNamespace {
  return backend === 'redis' ? redisNamespace() : mysqlNamespace(mysqlDbsPerQueue);
}

/** Three new shard names on the local Redis (bench/legacy-redis-gateway.ts's shape). */
function redisNamespace(): LegacyNamespace {
  const base = `b${randomBytes(3).toString('hex')}`;
  const shards = [`${base}a`, `${base}b`, `${base}c`];
  return {
    description: `Redis shards ${shards.join(', ')} on ${HOST}:${REDIS_PORT}`,
    backendJson: { shards: shards.map((name) => ({ name, shardConfig: { master: { host: HOST, port: REDIS_PORT }, dequeueOnly: false } })) },
    properties: ['PINLATER_BACKEND=redis'],
    drop: () => deleteRedisShards(shards),
  };
}

async function deleteRedisShards(shards: string[]): Promise<void> {
  const client = createClient({ url: `redis://${HOST}:${REDIS_PORT}` });
  await client.connect();
  try {
    for (const pattern of shards.flatMap((s) => [`pln_${s}`, `plj_${s}_*`, `plq_${s}_*`, `plh_${s}_*`])) {
      const keys: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: pattern, COUNT: 1000 })) keys.push(...batch);
      for (let i = 0; i < keys.length; i += 500) await client.del(keys.slice(i, i + 500));
    }
  } finally {
    client.destroy();
  }
}

/**
 * A new instance `benchdb<id>` (root, empty password) on the local MariaDB; its logical shards are
 * `<id>`, `<id>d1`, …, its databases `plq_<shard>_<queue>`.
 */
function mysqlNamespace(dbsPerQueue: number): LegacyNamespace {
  const id = randomInt(100_000_000, 999_999_999);
  return {
    description: `MySQL instance benchdb${id} (${dbsPerQueue} dbs per queue) on ${HOST}:${MYSQL_PORT}`,
    backendJson: { [`benchdb${id}`]: { master: { host: HOST, port: MYSQL_PORT }, user: 'root', passwd: '', dequeueOnly: false } },
    properties: ['PINLATER_BACKEND=mysql', 'MYSQL_COUNT_LIMIT=100000', `MYSQL_NUM_DB_PER_QUEUE=${dbsPerQueue}`, 'SHARD_ALLOWED_HOSTNAME_PREFIX=benchdb'],
    drop: () => dropMysqlInstance(id),
  };
}

async function dropMysqlInstance(id: number): Promise<void> {
  const db = await mysql.createConnection({ host: HOST, port: MYSQL_PORT, user: 'root', password: '' });
  try {
    const [rows] = await db.query<mysql.RowDataPacket[]>(
      'SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ? OR SCHEMA_NAME LIKE ?',
      [`plq\\_${id}\\_%`, `plq\\_${id}d%`],
    );
    for (const row of rows) await db.query(`DROP DATABASE IF EXISTS \`${String(row.n).replace(/`/g, '``')}\``);
  } finally {
    await db.end();
  }
}
