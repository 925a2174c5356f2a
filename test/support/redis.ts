/**
 * A small node-redis (v6) client for tests, on the Redis of test-env.ts. Close what you open:
 *
 *   const redis = await openRedis();            // ... await redis.close();
 *   await withRedis((redis) => redis.get(key)); // opens, runs, always closes
 */
import { createClient, type RedisClientType } from 'redis';
import { testEnv } from './test-env';

export type TestRedisClient = RedisClientType;

/** Connects (no reconnects: a test should see a lost connection, not hide it). */
export async function openRedis(url = testEnv().redis.url): Promise<TestRedisClient> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 5000 } });
  // Without a listener an 'error' event would crash the jest worker; the failing command rejects anyway.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export async function withRedis<T>(fn: (client: TestRedisClient) => Promise<T>): Promise<T> {
  const client = await openRedis();
  try {
    return await fn(client);
  } finally {
    await closeRedis(client);
  }
}

/** Closes gracefully when connected, and frees the socket in every case. */
export async function closeRedis(client: TestRedisClient): Promise<void> {
  if (client.isOpen) await client.close();
  else client.destroy();
}
