import { parseRedisBackendConfig, RedisBackendConfigError } from './redis-backend-config';

const shard = (name: string, extra: Record<string, unknown> = {}) => ({ name, shardConfig: { master: { host: 'localhost', port: 6379 }, ...extra } });

describe('parseRedisBackendConfig (FACTS §6.1)', () => {
  it("parses PinLater's redis.local.json shape", () => {
    const config = parseRedisBackendConfig({
      shards: [shard('1', { slave: { host: 'localhost', port: 6380 }, dequeueOnly: false }), shard('2', { dequeueOnly: true }), shard('3')],
    });
    expect(config.shards).toEqual([
      { name: '1', master: { host: 'localhost', port: 6379 }, slave: { host: 'localhost', port: 6380 }, dequeueOnly: false },
      { name: '2', master: { host: 'localhost', port: 6379 }, dequeueOnly: true },
      { name: '3', master: { host: 'localhost', port: 6379 }, dequeueOnly: false },
    ]);
  });

  it.each([
    [{}, 'shards: must be a non-empty array'],
    [{ shards: [] }, 'shards: must be a non-empty array'],
    [{ shards: [shard('1')], x: 1 }, 'unknown field "x"'],
    [{ shards: [{ ...shard('1'), y: 1 }] }, 'shards[0]: unknown field "y"'],
    [{ shards: [shard('1', { dequeueonly: true })] }, 'unknown field "dequeueonly"'],
    [{ shards: [shard('pacer0')] }, 'must not start with "pacer"'],
    [{ shards: [shard('a:b')] }, "must not contain ':'"],
    [{ shards: [shard('')] }, 'name: must be a non-empty string'],
    [{ shards: [shard('1'), shard('1')] }, 'duplicate shard name "1"'],
    [{ shards: [{ name: '1', shardConfig: { master: { host: 'h', port: '6379' } } }] }, 'port: must be an integer'],
    [{ shards: [{ name: '1', shardConfig: { master: { host: 'h', port: 1, db: 0 } } }] }, 'unknown field "db"'],
  ])('rejects %j', (json, message) => {
    expect(() => parseRedisBackendConfig(json)).toThrow(RedisBackendConfigError);
    expect(() => parseRedisBackendConfig(json)).toThrow(message);
  });
});
