/**
 * Shared setup of the legacy Redis integration tests (test/integration/legacy-redis-*.test.ts):
 * one `RedisShardStore` per unique shard name on the real Redis, a manual clock, in-memory stats,
 * a raw node-redis client to read and write keys exactly as PinLater would, and cleanup.
 */
import { RESP_TYPES } from 'redis';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { silentLogger } from '../../core/src/logging/logger';
import type { NewJob } from '../../core/src/types/job';
import { shardKeyPatterns } from '../../legacy-adapter/src/redis/keys';
import { RedisConnectionRegistry } from '../../legacy-adapter/src/redis/redis-connection';
import { RedisShardStore } from '../../legacy-adapter/src/redis/redis-shard-store';
import { ShardCommands } from '../../legacy-adapter/src/redis/shard-commands';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { closeRedis, openRedis, type TestRedisClient } from '../support/redis';
import { testEnv } from '../support/test-env';

export class ManualClock {
  constructor(public ms: number) {}
  nowMs(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface StoreFixture {
  shard: string;
  store: RedisShardStore;
  raw: TestRedisClient;
  clock: ManualClock;
  stats: MemoryStats;
  healthy: { value: boolean };
  /** HGETALL with Buffers (for binary bodies). */
  hashBytes(key: string): Promise<Record<string, Buffer>>;
  /** ZRANGE key 0 -1 WITHSCORES as [member, score][] (score as the double Redis holds). */
  zset(key: string): Promise<[string, number][]>;
  close(): Promise<void>;
}

export interface StoreFixtureOptions {
  host?: string;
  port?: number;
  shard?: string;
  nowMs?: number;
  socketTimeoutMs?: number;
  numPriorityLevels?: number;
  /** Do not open the raw client (a Redis the test starts and stops itself). */
  noRaw?: boolean;
}

export async function openStoreFixture(options: StoreFixtureOptions = {}): Promise<StoreFixture> {
  const env = testEnv().redis;
  const host = options.host ?? env.host;
  const port = options.port ?? env.port;
  const shard = options.shard ?? uniqueShardBase();
  const stats = new MemoryStats();
  const clock = new ManualClock(options.nowMs ?? 1_700_000_000_123);
  const healthy = { value: true };
  const registry = new RedisConnectionRegistry({ connectTimeoutMs: options.socketTimeoutMs ?? 2000, logger: silentLogger() });
  const connection = registry.acquire(host, port);
  await connection.waitUntilReady(2000);
  const commands = new ShardCommands({
    shard,
    connection,
    stats,
    socketTimeoutMs: options.socketTimeoutMs ?? 2000,
    monitorSocketTimeoutMs: options.socketTimeoutMs ?? 2000,
  });
  const store = new RedisShardStore({
    name: shard,
    dequeueOnly: false,
    commands,
    isHealthy: () => healthy.value,
    numPriorityLevels: options.numPriorityLevels ?? 3,
    stats,
    logger: silentLogger(),
    clock,
    onClose: () => registry.release(connection),
  });
  const raw = options.noRaw === true ? (undefined as unknown as TestRedisClient) : await openRedis(`redis://${host}:${port}`);
  return {
    shard,
    store,
    raw,
    clock,
    stats,
    healthy,
    async hashBytes(key) {
      const bytes = raw.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      const out: Record<string, Buffer> = {};
      for (const field of await raw.hKeys(key)) {
        const value = await bytes.hGet(key, field);
        if (value !== null) out[field] = value as unknown as Buffer;
      }
      return out;
    },
    async zset(key) {
      return (await raw.zRangeWithScores(key, 0, -1)).map(({ value, score }) => [value, score] as [string, number]);
    },
    async close() {
      await store.close();
      if (options.noRaw !== true) {
        await releaseNamespace(redisKeysNamespace(shardKeyPatterns(shard)));
        await closeRedis(raw);
      }
    },
  };
}

export function newJob(body: string | Buffer, overrides: Partial<NewJob> = {}): NewJob {
  return {
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    priority: 1,
    attemptsAllowed: 3,
    customStatus: '',
    ...overrides,
  };
}
